package io.sentimentstreams.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.cli.model.OnnxImport;
import io.sentimentstreams.cli.model.OrtModel;
import io.sentimentstreams.cli.run.DemoInput;
import io.sentimentstreams.cli.run.IngestClient;
import io.sentimentstreams.cli.run.ResultCollector;
import io.sentimentstreams.cli.run.Stack;
import io.sentimentstreams.contracts.Label;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.contracts.LabeledReview;
import io.sentimentstreams.text.PadSide;
import io.sentimentstreams.text.TextPipeline;
import io.sentimentstreams.vocab.Vocabulary;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A BiLSTM trained by PyTorch (the fixture of sentiment-cli's import tests), imported with
 * {@code ./sentiment import}, published on {@code sentiment.models} and served by the running system
 * (broker and the three services as JVMs): the reviews posted over HTTP come back labeled by the imported
 * model with the labels, and within the canary tolerance the probabilities, ONNX Runtime gives on the
 * original file for the same texts.
 */
class ImportedOnnxModelEndToEndTest {

    private static final String NAME = "pytorch-bilstm-en";

    @TempDir
    Path tmp;

    @Test
    void reviewsAreLabeledByTheImportedPyTorchModelAsOnnxRuntimeLabelsThem() throws Exception {
        final Path home = Repo.home();
        final Path fixtures = home.resolve("sentiment-cli/src/test/resources/onnx-import");
        final Path onnx = fixtures.resolve("bilstm.onnx");
        final ModelBundle bundle = OnnxImport.run(new OnnxImport.Options(onnx, fixtures.resolve("tokenizer.json.gz"),
                Lang.EN, 200, PadSide.PRE, PadSide.PRE, 0.5, NAME, 1, tmp.resolve("bundle"), false,
                "./sentiment import (e2e test)")).bundle();

        final List<DemoInput> reviews = new ArrayList<>();
        for (final String line : Files.readAllLines(fixtures.resolve("bilstm-expected.tsv"), StandardCharsets.UTF_8)) {
            if (!line.startsWith("#")) {
                reviews.add(new DemoInput("imported-" + reviews.size(), line.split("\t", 3)[2], "en", null));
            }
        }
        final TextPipeline pipeline = TextPipeline.of(bundle.manifest().pipeline(),
                Vocabulary.readTsv(bundle.file(BundleManifest.VOCABULARY), bundle.manifest().pipeline().oovToken()));
        final int[][] rows = reviews.stream().map(r -> pipeline.encode(r.text()).ids()).toArray(int[][]::new);
        final float[] runtime;
        try (OrtModel ort = new OrtModel(Files.readAllBytes(onnx), 1)) {
            runtime = ort.score(rows);
        }

        try (PrintStream progress = new PrintStream(System.err, true, StandardCharsets.UTF_8);
             Stack stack = new Stack(home, tmp.resolve("run"), tmp.resolve("logs"), progress)
                     .start(List.of(bundle.dir()), Duration.ofSeconds(180));
             ResultCollector results = new ResultCollector(stack.bootstrapServers(), r -> { }, d -> { })) {
            final IngestClient client = new IngestClient(stack.service("ingest-service").baseUrl());
            assertThat(client.post(reviews, "e2e-import")).isNull();
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                    .until(() -> results.labeled().size() >= reviews.size());

            final Map<String, LabeledReview> labeled = results.labeled();
            assertThat(results.duplicates()).isEmpty();
            int positive = 0;
            for (int i = 0; i < reviews.size(); i++) {
                final LabeledReview r = labeled.get(reviews.get(i).id());
                assertThat(r).as("review %d labeled", i).isNotNull();
                assertThat(r.model()).isEqualTo(NAME);
                assertThat(r.label()).as("label of review %d (ONNX Runtime: %s)", i, runtime[i])
                        .isEqualTo(Label.of(runtime[i], 0.5));
                assertThat(r.score()).isCloseTo(runtime[i], org.assertj.core.data.Offset.offset(1e-4));
                positive += r.label() == Label.POSITIVE ? 1 : 0;
            }
            assertThat(positive).as("both labels occur").isBetween(1, reviews.size() - 1);
        }
    }
}
