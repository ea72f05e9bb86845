package io.sentimentstreams.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code ./sentiment bench} through the CLI's {@code Main}, which finds this module's command by name. */
class BenchCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(final String... argv) {
        return Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void benchWithoutNameShowsTheBenchmarks() {
        assertThat(run("bench")).isEqualTo(Command.USAGE);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("inference", "faults", "e2e");
    }

    @Test
    void everyListedBenchmarkIsInTheBuildAndAnswersHelp() {
        assertThat(run("bench", "--help")).isZero();
        final List<String> names = out.toString(StandardCharsets.UTF_8).lines().skip(1)
                .map(l -> l.strip().split("\\s+")[0]).toList();
        assertThat(names).contains("text", "memory", "inference", "preprocess", "e2e", "fuzz", "faults", "jmh");
        for (final String name : names) {
            out.reset();
            err.reset();
            assertThat(run("bench", name, "--help")).as(name + ": " + err).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).as(name).startsWith("usage: ./sentiment bench " + name);
        }
    }

    @Test
    void unknownBenchmarkIsAUsageErrorNamingTheKnownOnes() {
        assertThat(run("bench", "warp")).isEqualTo(Command.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .startsWith("sentiment bench: unknown benchmark 'warp' (one of [text, inference,");
    }
}
