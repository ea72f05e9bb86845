package io.sentimentstreams.inference;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.BundleArchive;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.Digests;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.bundle.Pooling;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.model.dl4j.NetworkFactory;
import io.sentimentstreams.text.PipelineConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Real, tiny model bundles for tests: a randomly initialised DL4J BiLSTM built by the shared
 * {@link NetworkFactory} (vocabulary 40, embedding 8, 4 units per direction, 12 steps), a vocab.tsv and
 * a bundle.json whose sha256 entries match, plus helpers to corrupt them on purpose.
 */
public final class TestBundles {

    public static final int VOCAB = 40;
    public static final int MAXLEN = 12;

    private TestBundles() {
    }

    public static Architecture architecture() {
        return new Architecture("bilstm", VOCAB, 8, 4, Pooling.MAX, 0, null, "softmax2", true, MAXLEN);
    }

    public static PipelineConfig pipeline(final int numWords, final int maxlen) {
        return PipelineConfig.builder(Lang.EN).numWords(numWords).maxlen(maxlen).build();
    }

    /** A verified bundle directory for {@code name@version}; the seed decides the weights. */
    public static ModelBundle write(final Path parent, final String name, final int version, final long seed) {
        return write(parent, name, version, seed, pipeline(VOCAB, MAXLEN), architecture());
    }

    public static ModelBundle write(final Path parent, final String name, final int version, final long seed,
                                    final PipelineConfig pipeline, final Architecture arch) {
        return write(parent, name, version, seed, pipeline, arch, arch, arch.vocabSize() - 1);
    }

    /**
     * The general form: the manifest declares {@code arch}, the network is built from {@code networkArch},
     * and vocab.tsv holds {@code words} entries (ids 1..words); pass differing values to break the shape.
     */
    public static ModelBundle write(final Path parent, final String name, final int version, final long seed,
                                    final PipelineConfig pipeline, final Architecture arch,
                                    final Architecture networkArch, final int words) {
        try {
            final Path dir = Files.createTempDirectory(Files.createDirectories(parent), name + "-" + version + "-");
            final MultiLayerNetwork net = NetworkFactory.build(networkArch, seed);
            ModelSerializer.writeModel(net, dir.resolve(BundleManifest.NETWORK).toFile(), false);
            final StringBuilder vocab = new StringBuilder("<OOV>\t1\t0\n");
            for (int i = 2; i <= words; i++) {
                vocab.append("w").append(i).append('\t').append(i).append('\t').append(Math.max(1, 1_000_000 - i)).append('\n');
            }
            Files.writeString(dir.resolve(BundleManifest.VOCABULARY), vocab, StandardCharsets.UTF_8);
            final Map<String, String> files = new TreeMap<>();
            files.put(BundleManifest.NETWORK, Digests.sha256(dir.resolve(BundleManifest.NETWORK)));
            files.put(BundleManifest.VOCABULARY, Digests.sha256(dir.resolve(BundleManifest.VOCABULARY)));
            final BundleManifest manifest = new BundleManifest(BundleManifest.SCHEMA, name, version, Lang.EN,
                    Instant.parse("2026-11-27T00:00:00Z"), pipeline, arch, 0.5, files, List.of(),
                    Json.MAPPER.createObjectNode().put("seed", seed), null);
            Files.write(dir.resolve(BundleManifest.FILE), Json.MAPPER.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(manifest));
            return ModelBundle.load(dir);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write test bundle " + name + "@" + version, e);
        }
    }

    public static byte[] archive(final ModelBundle bundle) {
        try {
            return BundleArchive.pack(bundle);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Zips the bundle after flipping a byte of network.zip, so its sha256 no longer matches bundle.json. */
    public static byte[] archiveWithCorruptedNetwork(final ModelBundle bundle) {
        try {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(out); Stream<Path> files = Files.list(bundle.dir())) {
                for (final Path f : files.sorted().toList()) {
                    final byte[] bytes = Files.readAllBytes(f);
                    if (f.getFileName().toString().equals(BundleManifest.NETWORK)) {
                        bytes[bytes.length / 2] ^= 0x5A;
                    }
                    zip.putNextEntry(new ZipEntry(f.getFileName().toString()));
                    zip.write(bytes);
                    zip.closeEntry();
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code n} pre-padded rows of valid ids (lengths 1..maxlen), reproducible from the seed. */
    public static int[][] rows(final int n, final long seed) {
        final SplittableRandom r = new SplittableRandom(seed);
        final int[][] rows = new int[n][MAXLEN];
        for (int i = 0; i < n; i++) {
            final int len = 1 + r.nextInt(MAXLEN);
            for (int k = MAXLEN - len; k < MAXLEN; k++) {
                rows[i][k] = 1 + r.nextInt(VOCAB - 1);
            }
        }
        return rows;
    }
}
