package io.sentimentstreams.cli.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentstreams.bundle.BundleException;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.cli.CliCapture;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.model.Canary;
import io.sentimentstreams.model.CanaryFile;
import io.sentimentstreams.model.EngineChoice;
import io.sentimentstreams.model.Engines;
import io.sentimentstreams.model.LoadedModel;
import io.sentimentstreams.model.SentimentModel;
import io.sentimentstreams.text.PadSide;
import io.sentimentstreams.text.TextPipeline;
import io.sentimentstreams.vocab.Vocabulary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ./sentiment import} on the two PyTorch fixtures ({@code src/test/resources/onnx-import}, made by
 * {@code tools/onnx-fixtures/make_fixtures.py}): the bundle scores like ONNX Runtime on the original file and
 * like PyTorch itself on texts run through our tokenizer; graphs, shapes and tokenizers that do not fit are
 * refused with the reason, and so is a fast engine that disagrees with ONNX Runtime.
 */
class OnnxImportTest {

    static final Path FIXTURES = Path.of("src/test/resources/onnx-import");
    static final int MAXLEN = 200;

    @TempDir
    Path tmp;

    static OnnxImport.Options options(final Path onnx, final Path tokenizer, final int maxlen, final Path out) {
        return new OnnxImport.Options(onnx, tokenizer, Lang.EN, maxlen, PadSide.PRE, PadSide.PRE, 0.5, "imported-en", 1,
                out, false, "./sentiment import (test)");
    }

    /** One line of NAME-expected.tsv: PyTorch's probability, its token ids (no padding), the text. */
    record Expected(float probability, int[] ids, String text) {
    }

    static List<Expected> expected(final String model) throws IOException {
        final List<Expected> out = new ArrayList<>();
        for (final String line : Files.readAllLines(FIXTURES.resolve(model + "-expected.tsv"), StandardCharsets.UTF_8)) {
            if (line.startsWith("#")) {
                continue;
            }
            final String[] f = line.split("\t", 3);
            final int[] ids = f[1].isEmpty() ? new int[0] : Arrays.stream(f[1].split(" ")).mapToInt(Integer::parseInt).toArray();
            out.add(new Expected(Float.parseFloat(f[0]), ids, f[2]));
        }
        return out;
    }

    static int[] prePadded(final int[] ids, final int maxlen) {
        final int[] row = new int[maxlen];
        final int n = Math.min(ids.length, maxlen);
        System.arraycopy(ids, ids.length - n, row, maxlen - n, n);
        return row;
    }

    @ParameterizedTest
    @ValueSource(strings = {"bilstm", "gru"})
    void importedBundleScoresLikeOnnxRuntimeOnTheOriginalFileAndLikePyTorchOnItsTexts(final String model)
            throws Exception {
        final Path onnx = FIXTURES.resolve(model + ".onnx");
        final OnnxImport.Result r = OnnxImport.run(options(onnx, FIXTURES.resolve("tokenizer.json.gz"), MAXLEN,
                tmp.resolve(model)));
        final ModelBundle bundle = ModelBundle.load(r.bundle().dir());
        assertThat(bundle.manifest().files()).containsKeys(BundleManifest.ONNX, BundleManifest.VOCABULARY,
                BundleManifest.CANARY, BundleManifest.MODEL_CARD).doesNotContainKey(BundleManifest.NETWORK);
        assertThat(Files.readString(bundle.file(BundleManifest.MODEL_CARD)))
                .contains(io.sentimentstreams.bundle.Digests.sha256(onnx), "./sentiment import");

        final List<Expected> examples = expected(model);
        final TextPipeline pipeline = TextPipeline.of(bundle.manifest().pipeline(),
                Vocabulary.readTsv(bundle.file(BundleManifest.VOCABULARY), bundle.manifest().pipeline().oovToken()));
        final int[][] rows = new int[examples.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = pipeline.encode(examples.get(i).text()).ids();
            assertThat(rows[i]).as("our Keras-semantics ids of example %d", i)
                    .containsExactly(prePadded(examples.get(i).ids(), MAXLEN));
        }
        try (LoadedModel served = Engines.load(bundle, EngineChoice.FAST);
             OrtModel ort = new OrtModel(Files.readAllBytes(onnx), 1)) {
            assertThat(served.engine()).isEqualTo("fast");
            assertThat(served.canary().fastAccepted()).as(served.canary().reason()).isTrue();
            final float[] fast = served.score(rows);
            final float[] runtime = ort.score(rows);
            int positive = 0;
            for (int i = 0; i < rows.length; i++) {
                assertThat((double) fast[i]).as("fast vs ONNX Runtime, example %d", i)
                        .isCloseTo(runtime[i], org.assertj.core.data.Offset.offset(Canary.TOLERANCE));
                assertThat((double) fast[i]).as("fast vs PyTorch, example %d", i)
                        .isCloseTo(examples.get(i).probability(), org.assertj.core.data.Offset.offset(Canary.TOLERANCE));
                positive += fast[i] > 0.5 ? 1 : 0;
            }
            assertThat(positive).as("both labels occur among the examples").isBetween(1, rows.length - 1);
        }
    }

    /**
     * Variants torch does not export but tf2onnx and hand-written graphs do: a GRU with
     * linear_before_reset=0 (Keras reset_after=False) and mean pooling; ONNX Runtime computes the original
     * semantics of the edited graph, and the import (which refuses any disagreement over 1e-4) must pass.
     */
    @ParameterizedTest
    @ValueSource(strings = {"gru:linear_before_reset=0", "bilstm:ReduceMean"})
    void graphVariantsAgreeWithOnnxRuntime(final String variant) throws Exception {
        final String model = variant.substring(0, variant.indexOf(':'));
        final ModelProto.Builder m = ModelProto.parseFrom(Files.readAllBytes(FIXTURES.resolve(model + ".onnx"))).toBuilder();
        for (final NodeProto.Builder n : m.getGraphBuilder().getNodeBuilderList()) {
            if (variant.endsWith("linear_before_reset=0") && n.getOpType().equals("GRU")) {
                for (final onnx.Onnx.AttributeProto.Builder a : n.getAttributeBuilderList()) {
                    if (a.getName().equals("linear_before_reset")) {
                        a.setI(0);
                    }
                }
            }
            if (variant.endsWith("ReduceMean") && n.getOpType().equals("ReduceMax")) {
                n.setOpType("ReduceMean");
            }
        }
        final Path onnx = tmp.resolve("variant.onnx");
        Files.write(onnx, m.build().toByteArray());
        final OnnxImport.Result r = OnnxImport.run(options(onnx, FIXTURES.resolve("tokenizer.json.gz"), MAXLEN,
                tmp.resolve("variant")));
        assertThat(r.canary().fastAccepted()).as(r.canary().reason()).isTrue();
        assertThat(r.graph().describe()).contains(variant.endsWith("ReduceMean") ? "→ mean" : "linear_before_reset=0");
    }

    @Test
    void anUnsupportedOpIsRefusedNamingIt() throws Exception {
        final ModelProto.Builder m = ModelProto.parseFrom(Files.readAllBytes(FIXTURES.resolve("bilstm.onnx"))).toBuilder();
        for (final NodeProto.Builder n : m.getGraphBuilder().getNodeBuilderList()) {
            if (n.getOpType().equals("Relu")) {
                n.setOpType("Elu");
            }
        }
        final Path onnx = tmp.resolve("elu.onnx");
        Files.write(onnx, m.build().toByteArray());
        assertThatThrownBy(() -> OnnxImport.run(options(onnx, FIXTURES.resolve("tokenizer.json.gz"), MAXLEN,
                tmp.resolve("out")))).isInstanceOf(OnnxImport.Refused.class)
                .hasMessageContaining("ONNX node Elu").hasMessageContaining("is not supported");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void aRowLengthThatIsNotTheGraphsIsRefused() {
        assertThatThrownBy(() -> OnnxImport.run(options(FIXTURES.resolve("gru.onnx"),
                FIXTURES.resolve("tokenizer.json.gz"), 100, tmp.resolve("out"))))
                .isInstanceOf(OnnxImport.Refused.class)
                .hasMessageContaining("takes rows of 200 ids").hasMessageContaining("--maxlen is 100");
    }

    @Test
    void aTokenizerWithMoreWordsThanTheEmbeddingIsRefused() throws Exception {
        final String json = gunzip(FIXTURES.resolve("tokenizer.json.gz")).replace("\"num_words\": 3000",
                "\"num_words\": 5000");
        assertThat(json).contains("\"num_words\": 5000");
        final Path tok = tmp.resolve("tokenizer.json");
        Files.writeString(tok, json);
        assertThatThrownBy(() -> OnnxImport.run(options(FIXTURES.resolve("bilstm.onnx"), tok, MAXLEN,
                tmp.resolve("out")))).isInstanceOf(OnnxImport.Refused.class)
                .hasMessageContaining("can emit id 4999").hasMessageContaining("embeds only 3000");
    }

    @Test
    void aTransposeThatBreaksTheLayoutIsRefusedNamingTheShape() throws Exception {
        final ModelProto.Builder m = ModelProto.parseFrom(Files.readAllBytes(FIXTURES.resolve("bilstm.onnx"))).toBuilder();
        for (final NodeProto.Builder n : m.getGraphBuilder().getNodeBuilderList()) {
            if (n.getOpType().equals("Transpose") && n.getOutput(0).equals(n.getOutput(0)) && n.getInput(0).contains("Gather")) {
                n.getAttributeBuilder(0).clearInts().addInts(0).addInts(1).addInts(2);
            }
        }
        final Path onnx = tmp.resolve("layout.onnx");
        Files.write(onnx, m.build().toByteArray());
        assertThatThrownBy(() -> OnnxImport.run(options(onnx, FIXTURES.resolve("tokenizer.json.gz"), MAXLEN,
                tmp.resolve("out")))).isInstanceOf(OnnxImport.Refused.class)
                .hasMessageContaining("ONNX node LSTM").hasMessageContaining("laid out [N, T, F]");
    }

    @Test
    void aTokenizerThatIsNotJsonIsRefused() throws Exception {
        final Path tok = tmp.resolve("tokenizer.json");
        Files.writeString(tok, "{\"class_name\": \"Tokenizer\", \"config\": {\"word_index\": \"{not json");
        assertThatThrownBy(() -> OnnxImport.run(options(FIXTURES.resolve("bilstm.onnx"), tok, MAXLEN,
                tmp.resolve("out")))).isInstanceOf(OnnxImport.Refused.class)
                .hasMessageContaining("is not a Keras Tokenizer.to_json() document");
    }

    @Test
    void aFastEngineThatDisagreesWithOnnxRuntimeIsRefusedAtImport() {
        assertThatThrownBy(() -> OnnxImport.run(options(FIXTURES.resolve("gru.onnx"),
                FIXTURES.resolve("tokenizer.json.gz"), MAXLEN, tmp.resolve("out")), OnnxImportTest::offBy5e4))
                .isInstanceOf(OnnxImport.Refused.class)
                .hasMessageContaining("fast engine disagrees with ONNX Runtime").hasMessageContaining("> 1.0E-4");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void anImportedBundleWhoseStoredCanaryDisagreesIsNotServed() throws Exception {
        final ModelBundle bundle = OnnxImport.run(options(FIXTURES.resolve("bilstm.onnx"),
                FIXTURES.resolve("tokenizer.json.gz"), MAXLEN, tmp.resolve("b"))).bundle();
        final CanaryFile c = CanaryFile.read(bundle.file(BundleManifest.CANARY), MAXLEN, false);
        final float[] p = c.probabilities().clone();
        p[7] = Math.min(1f, p[7] + 0.01f) == p[7] ? p[7] - 0.01f : p[7] + 0.01f;
        final Path tampered = tmp.resolve("tampered");
        io.sentimentstreams.bundle.BundleWriter w = io.sentimentstreams.bundle.BundleWriter.create(tampered, false);
        for (final String f : bundle.manifest().files().keySet()) {
            if (f.equals(BundleManifest.CANARY)) {
                w.file(f, t -> new CanaryFile(c.ids(), p).write(t, "tampered", false, "a test"));
            } else {
                w.file(f, t -> Files.copy(bundle.file(f), t));
            }
        }
        final ModelBundle bad = w.finish(bundle.manifest());
        assertThatThrownBy(() -> Engines.load(bad, EngineChoice.FAST)).isInstanceOf(BundleException.class)
                .satisfies(e -> assertThat(((BundleException) e).kind()).isEqualTo(BundleException.Kind.CANARY_FAILED))
                .hasMessageContaining("worst canary row 7");
    }

    @Test
    void theCommandPrintsTheBundleAndRefusalsExitOne() throws Exception {
        final CliCapture cli = new CliCapture();
        final int ok = cli.run("import", "--onnx", FIXTURES.resolve("gru.onnx").toString(),
                "--tokenizer", FIXTURES.resolve("tokenizer.json.gz").toString(), "--lang", "en", "--maxlen", "200",
                "--padding", "pre", "--truncating", "pre", "--name", "gru-en", "--version", "3",
                "--out", tmp.resolve("cmd").toString());
        assertThat(ok).as(cli.err()).isZero();
        assertThat(cli.out()).contains("\"model\":\"gru-en@3\"", "GRU(forward, 32, linear_before_reset=1)");
        assertThat(ModelBundle.load(tmp.resolve("cmd")).manifest().architecture().imported()).isTrue();

        cli.reset();
        final int refused = cli.run("import", "--onnx", FIXTURES.resolve("gru.onnx").toString(),
                "--tokenizer", FIXTURES.resolve("tokenizer.json.gz").toString(), "--lang", "en", "--maxlen", "50",
                "--padding", "pre", "--truncating", "pre", "--name", "gru-en", "--out", tmp.resolve("no").toString());
        assertThat(refused).isEqualTo(1);
        assertThat(cli.err()).contains("takes rows of 200 ids");
    }

    private static SentimentModel offBy5e4(final SentimentModel ort) {
        return new SentimentModel() {
            @Override
            public String engine() {
                return ort.engine();
            }

            @Override
            public float[] score(final int[][] ids) {
                final float[] p = ort.score(ids);
                for (int i = 0; i < p.length; i++) {
                    p[i] = p[i] > 0.5f ? p[i] - 5e-4f : p[i] + 5e-4f;
                }
                return p;
            }

            @Override
            public void close() {
                ort.close();
            }
        };
    }

    private static String gunzip(final Path p) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
