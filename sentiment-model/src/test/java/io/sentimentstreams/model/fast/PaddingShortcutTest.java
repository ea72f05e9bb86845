package io.sentimentstreams.model.fast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.text.TextPipeline;
import io.sentimentstreams.vocab.Vocabulary;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The padding prefix against the full scan it replaces: same floats, on the shipped pre-padded unmasked model
 * over real IMDB reviews (k = 0 and k = maxlen - 1 leading padding steps among them) and on random weights.
 */
class PaddingShortcutTest {

    @Test
    void shippedModelScoresRealReviewsBitForBitAsTheFullScan() throws Exception {
        final Path dir = Path.of(System.getProperty("sentiment.repo.dir", ".."), "models", "imdb-en");
        final Path tsv = Path.of(System.getProperty("sentiment.data.dir", "../../shared/data"), "imdb", "test.tsv.gz");
        assumeTrue(Files.isRegularFile(dir.resolve(BundleManifest.ONNX)), "models/imdb-en is absent; skipping");
        assumeTrue(Files.isRegularFile(tsv), "IMDB test set not found at " + tsv
                + " (set -Dsentiment.data.dir); skipping the real-review shortcut check");
        final ModelBundle bundle = ModelBundle.load(dir);
        final Architecture a = bundle.manifest().architecture();
        assumeTrue(!a.masked(), "the shipped imdb-en is no longer unmasked");
        final var cfg = bundle.manifest().pipeline().withDefaults();
        final TextPipeline pipeline = TextPipeline.of(cfg,
                Vocabulary.readTsv(bundle.file(BundleManifest.VOCABULARY), cfg.oovToken()));
        final List<int[]> rows = new ArrayList<>();
        try (BufferedReader br = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(tsv)), StandardCharsets.UTF_8))) {
            br.readLine();
            String line;
            while (rows.size() < 128 && (line = br.readLine()) != null) {
                final String[] f = line.split("\t", 3);
                if (f.length >= 2) {
                    rows.add(pipeline.encode(f[1]).ids());
                }
            }
        }
        final int maxlen = a.maxlen();
        final int[] longest = rows.stream().max((x, y) -> Integer.compare(realTokens(x), realTokens(y))).orElseThrow();
        // k = 0 leading padding steps (a full-length row), k = maxlen - 1 (one real token), and an empty row.
        final int[] full = longest.clone();
        for (int t = 0; t < maxlen; t++) {
            if (full[t] == 0) {
                full[t] = longest[maxlen - 1];
            }
        }
        final int[] oneToken = new int[maxlen];
        oneToken[maxlen - 1] = longest[maxlen - 1];
        rows.add(full);
        rows.add(oneToken);
        rows.add(new int[maxlen]);
        final int[][] ids = rows.toArray(new int[0][]);
        assertThat(realTokens(full)).isEqualTo(maxlen);
        assertThat(Arrays.stream(ids).mapToInt(PaddingShortcutTest::realTokens).average().orElseThrow())
                .as("real reviews are much shorter than maxlen, or the shortcut is not exercised")
                .isLessThan(maxlen / 2.0);
        final byte[] onnx = Files.readAllBytes(bundle.file(BundleManifest.ONNX));
        try (FastBiLstm shortcut = FastBiLstm.fromOnnx(onnx, a, 2, true);
             FastBiLstm fullScan = FastBiLstm.fromOnnx(onnx, a, 2, false)) {
            final float[] expected = fullScan.score(ids);
            assertThat(shortcut.score(ids)).containsExactly(expected);
            for (final int i : new int[] {0, ids.length - 3, ids.length - 2, ids.length - 1}) {
                assertThat(shortcut.score(new int[][] {ids[i]})[0]).isEqualTo(expected[i]);
            }
        }
    }

    /** Unmasked, pre and post padding (the prefix then serves the backward direction), every pooling. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"last", "max", "mean"})
    void unmaskedRandomWeightsGiveTheFullScansFloats(final String pooling) throws Exception {
        for (final boolean pre : new boolean[] {true, false}) {
            final Architecture a = ReferenceNetworks.architecture(97, 7, 13, pooling, 5, "relu", false, 60);
            final MultiLayerNetwork net = ReferenceNetworks.build(a, 11, 0.5);
            final int[][] ids = ReferenceNetworks.rows(150, 60, 97, new int[] {60, 1, 0, 59, 3, 17, 30}, pre, 9);
            final FastWeights w = FastWeights.extract(net, a, VectorKernels.lanes());
            try (FastBiLstm shortcut = new FastBiLstm(w, 2, true);
                 FastBiLstm fullScan = new FastBiLstm(w, 2, false)) {
                assertThat(shortcut.score(ids)).as(pooling + " pre=" + pre).containsExactly(fullScan.score(ids));
            }
        }
    }

    private static int realTokens(final int[] row) {
        int n = 0;
        for (final int id : row) {
            if (id != 0) {
                n++;
            }
        }
        return n;
    }
}
