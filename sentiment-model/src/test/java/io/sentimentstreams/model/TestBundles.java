package io.sentimentstreams.model;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.Digests;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.text.PadSide;
import io.sentimentstreams.text.PipelineConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/** Writes a real, checksummed bundle directory around a test network (synthetic vocabulary w2..wN). */
public final class TestBundles {

    private TestBundles() {
    }

    public static ModelBundle write(final Path dir, final MultiLayerNetwork net, final Architecture a)
            throws Exception {
        Files.createDirectories(dir);
        ModelSerializer.writeModel(net, dir.resolve(BundleManifest.NETWORK).toFile(), false);
        final StringBuilder vocab = new StringBuilder("<OOV>\t1\t0\n");
        for (int i = 2; i < a.vocabSize(); i++) {
            // Zipf-like counts so the canary draws common words more often, as real text does.
            vocab.append('w').append(i).append('\t').append(i).append('\t').append(1_000_000 / i).append('\n');
        }
        Files.writeString(dir.resolve(BundleManifest.VOCABULARY), vocab, StandardCharsets.UTF_8);
        final PipelineConfig base = PipelineConfig.englishDefaults();
        final PipelineConfig pipeline = base.toBuilder().numWords(a.vocabSize()).oovToken("<OOV>").maxlen(a.maxlen())
                .padding(PadSide.PRE).truncating(PadSide.PRE).build();
        final BundleManifest m = new BundleManifest(BundleManifest.SCHEMA, "test-model", 1, Lang.EN, Instant.now(),
                pipeline, a, 0.5, Map.of(BundleManifest.NETWORK, sha(dir, BundleManifest.NETWORK),
                        BundleManifest.VOCABULARY, sha(dir, BundleManifest.VOCABULARY)),
                List.of(), null, null);
        Files.write(dir.resolve(BundleManifest.FILE), Json.writeBytes(m));
        return ModelBundle.load(dir);
    }

    /**
     * {@link #write} plus {@code model.onnx} and a {@code canary.tsv} holding DL4J's probabilities shifted by
     * {@code shift} (0 for a true canary; a tampered one otherwise).
     */
    public static ModelBundle writeWithStoredCanary(final Path dir, final MultiLayerNetwork net, final Architecture a,
            final float shift) throws Exception {
        final ModelBundle plain = write(dir, net, a);
        io.sentimentstreams.model.onnx.OnnxExport.write(net, a, dir.resolve(BundleManifest.ONNX));
        final int[][] rows = Canary.inputs(plain, Canary.DEFAULT_REVIEWS);
        final float[] p = io.sentimentstreams.model.fast.ReferenceNetworks.dl4j(net, rows, a.masked());
        for (int i = 0; i < p.length; i++) {
            p[i] += shift;
        }
        new CanaryFile(rows, p).write(dir.resolve(BundleManifest.CANARY), "test rows", false);
        final BundleManifest m = plain.manifest();
        final Map<String, String> files = new java.util.TreeMap<>(m.files());
        files.put(BundleManifest.ONNX, sha(dir, BundleManifest.ONNX));
        files.put(BundleManifest.CANARY, sha(dir, BundleManifest.CANARY));
        Files.write(dir.resolve(BundleManifest.FILE), Json.writeBytes(new BundleManifest(m.schema(), m.name(),
                m.version(), m.lang(), m.createdAt(), m.pipeline(), m.architecture(), m.threshold(), files,
                m.datasets(), m.training(), m.metrics())));
        return ModelBundle.load(dir);
    }

    private static String sha(final Path dir, final String file) throws IOException {
        return Digests.sha256(dir.resolve(file));
    }
}
