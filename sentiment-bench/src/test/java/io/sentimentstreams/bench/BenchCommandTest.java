package io.sentimentstreams.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.CliCapture;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code ./sentiment bench} through the CLI's {@code Main}, which finds this module's command by name. */
class BenchCommandTest {

    private final CliCapture cli = new CliCapture();

    @Test
    void benchWithoutNameShowsTheBenchmarks() {
        assertThat(cli.run("bench")).isEqualTo(Command.USAGE);
        assertThat(cli.out()).contains("inference", "faults", "e2e");
    }

    @Test
    void everyListedBenchmarkIsInTheBuildAndAnswersHelp() {
        assertThat(cli.run("bench", "--help")).isZero();
        final List<String> names = cli.out().lines().skip(1)
                .map(l -> l.strip().split("\\s+")[0]).toList();
        assertThat(names).contains("text", "memory", "inference", "preprocess", "e2e", "fuzz", "faults", "jmh");
        for (final String name : names) {
            cli.reset();
            assertThat(cli.run("bench", name, "--help")).as(() -> name + ": " + cli.err()).isZero();
            assertThat(cli.out()).as(name).startsWith("usage: ./sentiment bench " + name);
        }
    }

    @Test
    void unknownBenchmarkIsAUsageErrorNamingTheKnownOnes() {
        assertThat(cli.run("bench", "warp")).isEqualTo(Command.USAGE);
        assertThat(cli.err().strip())
                .startsWith("sentiment bench: unknown benchmark 'warp' (one of [text, inference,");
    }
}
