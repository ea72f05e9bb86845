package io.sentimentstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(final String... argv) {
        return Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryCommandWithOneLine() {
        assertThat(run("help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("demo", "up", "broker", "train", "evaluate",
                "publish", "models", "dlq", "score", "tokenize", "encode", "bench", "vectors");
    }

    @Test
    void vectorsAnswersHelpAndNamesAMissingArgumentOrABadValue() {
        assertThat(run("vectors", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--embedding-dim", "--val-fraction");
        assertThat(run("vectors", "--out", "x.txt")).isEqualTo(Command.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--data is required");
        err.reset();
        assertThat(run("vectors", "--data", "d.tsv", "--out", "x.txt", "--dim", "0")).isEqualTo(Command.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--dim");
    }

    @Test
    void trainRefusesAnUnknownEngineAndWhatTheFastEngineCannotTrainBeforeReadingData() {
        assertThat(run("train", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--engine dl4j|fast");
        assertThat(run("train", "--data", "missing.tsv", "--engine", "gpu")).isEqualTo(Command.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--engine must be dl4j or fast");
        err.reset();
        // The English defaults are masked: the fast engine names the flag it needs.
        assertThat(run("train", "--data", "missing.tsv", "--engine", "fast")).isEqualTo(Command.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--no-mask").doesNotContain("missing.tsv");
        err.reset();
        assertThat(run("train", "--data", "missing.tsv", "--engine", "fast", "--no-mask", "--dense", "16"))
                .isEqualTo(Command.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--dense");
    }

    @Test
    void unknownCommandExitsNonZeroWithOneLineReason() {
        assertThat(run("frobnicate")).isEqualTo(Command.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8).strip()).contains("unknown command 'frobnicate'")
                .doesNotContain("\n");
    }

    @Test
    void unknownFlagExitsNonZeroWithOneLineReason() {
        assertThat(run("broker", "--no-such-flag")).isEqualTo(Command.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo("sentiment broker: unknown option --no-such-flag");
    }

    @Test
    void benchOutsideTheBenchModuleSaysItIsNotInThisBuild() {
        // sentiment-bench depends on this module, so its BenchCommand is not on this test class path.
        assertThat(run("bench", "inference")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo("sentiment: command 'bench' is not available in this build");
    }

    @Test
    void publishRefusesABundleBelowMinAccuracyBeforeItConnects() {
        // The shipped model records its test accuracy; nothing listens on port 9, so reaching Kafka would fail
        // differently (and later).
        final String model = java.nio.file.Path.of("..", "models", "imdb-en").toString();
        assertThat(run("publish", "--model", model, "--bootstrap", "127.0.0.1:9", "--min-accuracy", "0.999"))
                .isEqualTo(io.sentimentstreams.cli.model.PublishCommand.NOT_PUBLISHED);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .containsPattern("not published: test accuracy 0\\.\\d{4} of imdb-en@\\d+ \\(n=25000\\) is below"
                        + " --min-accuracy 0\\.999");
        err.reset();
        assertThat(run("publish", "--model", model, "--bootstrap", "127.0.0.1:9", "--min-accuracy", "1.5"))
                .isEqualTo(Command.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--min-accuracy must be in (0, 1], got 1.5");
    }

    @Test
    void argsParseValuesFlagsAndPositionals() {
        final Args args = Args.parse(List.of("--count", "5", "--output=jsonl", "--keep", "text"),
                Set.of("count", "output"), Set.of("keep"));
        assertThat(args.getInt("count", 0)).isEqualTo(5);
        assertThat(args.get("output", null)).isEqualTo("jsonl");
        assertThat(args.has("keep")).isTrue();
        assertThat(args.positional()).containsExactly("text");
    }

    @Test
    void nonIntegerValueIsAUsageError() {
        assertThat(run("demo", "--count", "many")).isEqualTo(Command.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--count expects an integer, got 'many'");
    }
}
