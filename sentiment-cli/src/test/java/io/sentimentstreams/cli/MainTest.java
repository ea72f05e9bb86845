package io.sentimentstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MainTest {

    private final CliCapture cli = new CliCapture();

    @Test
    void helpListsEveryCommandWithOneLine() {
        assertThat(cli.run("help")).isZero();
        assertThat(cli.out()).contains("demo", "up", "broker", "train", "evaluate",
                "publish", "models", "dlq", "score", "tokenize", "encode", "bench", "vectors");
    }

    @Test
    void vectorsAnswersHelpAndNamesAMissingArgumentOrABadValue() {
        assertThat(cli.run("vectors", "--help")).isZero();
        assertThat(cli.out()).contains("--embedding-dim", "--val-fraction");
        assertThat(cli.run("vectors", "--out", "x.txt")).isEqualTo(Command.USAGE);
        assertThat(cli.err()).contains("--data is required");
        cli.resetErr();
        assertThat(cli.run("vectors", "--data", "d.tsv", "--out", "x.txt", "--dim", "0")).isEqualTo(Command.USAGE);
        assertThat(cli.err()).contains("--dim");
    }

    @Test
    void trainRefusesAnUnknownEngineAndWhatTheFastEngineCannotTrainBeforeReadingData() {
        assertThat(cli.run("train", "--help")).isZero();
        assertThat(cli.out()).contains("--engine dl4j|fast");
        assertThat(cli.run("train", "--data", "missing.tsv", "--engine", "gpu")).isEqualTo(Command.USAGE);
        assertThat(cli.err()).contains("--engine must be dl4j or fast");
        cli.resetErr();
        // The English defaults are masked: the fast engine names the flag it needs.
        assertThat(cli.run("train", "--data", "missing.tsv", "--engine", "fast")).isEqualTo(Command.USAGE);
        assertThat(cli.err()).contains("--no-mask").doesNotContain("missing.tsv");
        cli.resetErr();
        assertThat(cli.run("train", "--data", "missing.tsv", "--engine", "fast", "--no-mask", "--dense", "16"))
                .isEqualTo(Command.USAGE);
        assertThat(cli.err()).contains("--dense");
    }

    @Test
    void unknownCommandExitsNonZeroWithOneLineReason() {
        assertThat(cli.run("frobnicate")).isEqualTo(Command.USAGE);
        assertThat(cli.err().strip()).contains("unknown command 'frobnicate'")
                .doesNotContain("\n");
    }

    @Test
    void unknownFlagExitsNonZeroWithOneLineReason() {
        assertThat(cli.run("broker", "--no-such-flag")).isEqualTo(Command.USAGE);
        assertThat(cli.err().strip())
                .isEqualTo("sentiment broker: unknown option --no-such-flag");
    }

    @Test
    void benchOutsideTheBenchModuleSaysItIsNotInThisBuild() {
        // sentiment-bench depends on this module, so its BenchCommand is not on this test class path.
        assertThat(cli.run("bench", "inference")).isEqualTo(1);
        assertThat(cli.err().strip())
                .isEqualTo("sentiment: command 'bench' is not available in this build");
    }

    @Test
    void publishRefusesABundleBelowMinAccuracyBeforeItConnects() {
        // The shipped model records its test accuracy; nothing listens on port 9, so reaching Kafka would fail
        // differently (and later).
        final String model = java.nio.file.Path.of("..", "models", "imdb-en").toString();
        assertThat(cli.run("publish", "--model", model, "--bootstrap", "127.0.0.1:9", "--min-accuracy", "0.999"))
                .isEqualTo(io.sentimentstreams.cli.model.PublishCommand.NOT_PUBLISHED);
        assertThat(cli.err())
                .containsPattern("not published: test accuracy 0\\.\\d{4} of imdb-en@\\d+ \\(n=25000\\) is below"
                        + " --min-accuracy 0\\.999");
        cli.resetErr();
        assertThat(cli.run("publish", "--model", model, "--bootstrap", "127.0.0.1:9", "--min-accuracy", "1.5"))
                .isEqualTo(Command.USAGE);
        assertThat(cli.err()).contains("--min-accuracy must be in (0, 1], got 1.5");
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
        assertThat(cli.run("demo", "--count", "many")).isEqualTo(Command.USAGE);
        assertThat(cli.err()).contains("--count expects an integer, got 'many'");
    }
}
