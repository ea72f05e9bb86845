package io.sentimentstreams.preprocess.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.BundleArchive;
import io.sentimentstreams.bundle.BundleException;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.Digests;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.bundle.Pooling;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.text.PipelineConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Small but real model bundles for tests: a vocabulary of the given words (index 2 on, {@code <OOV>} at 1),
 * a WordPunct pipeline padded to {@link #MAXLEN}, a placeholder {@code network.zip} (preprocess never loads
 * the network) and a {@code bundle.json} with the sha256 of every file, packed as on {@code sentiment.models}.
 * Languages and tokenizers are written as given, so a test can make a bundle naming one no enum has.
 */
public final class BundleFixtures {

    public static final int MAXLEN = 8;
    public static final String OOV = "<OOV>";

    private BundleFixtures() {
    }

    /** One packed bundle: the record key, the zip bytes and the digest header value. */
    public record Packed(String key, byte[] archive, String digest) {
    }

    /** The {@code pipeline} object of {@code bundle.json} with {@code lang} and {@code tokenizer} as given. */
    public static ObjectNode pipeline(final String lang, final String tokenizer) {
        final ObjectNode pipeline = Json.MAPPER.valueToTree(PipelineConfig.builder(Lang.EN).splitSentences(false)
                .numWords(0).oovToken(OOV).maxlen(MAXLEN).build());
        pipeline.put("lang", lang);
        pipeline.put("tokenizer", tokenizer);
        return pipeline;
    }

    /** A verified bundle directory under {@code parent} for {@code name@version}; words get indices 2, 3, ... */
    public static ModelBundle bundle(final Path parent, final String name, final int version, final String lang,
                                     final List<String> words) {
        return bundle(parent, name, version, lang, pipeline(lang, "wordpunct"), vocabTsv(words));
    }

    public static ModelBundle bundle(final Path parent, final String name, final int version, final String lang,
                                     final ObjectNode pipeline, final String vocabTsv) {
        try {
            return ModelBundle.load(write(parent, name, version, lang, pipeline, vocabTsv));
        } catch (BundleException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bundle directory, not loaded: its manifest may name a language or tokenizer no enum has. */
    private static Path write(final Path parent, final String name, final int version, final String lang,
                              final ObjectNode pipeline, final String vocabTsv) {
        try {
            final Path dir = Files.createTempDirectory(parent, name + "-" + version + "-");
            Files.writeString(dir.resolve(BundleManifest.VOCABULARY), vocabTsv, StandardCharsets.UTF_8);
            Files.write(dir.resolve(BundleManifest.NETWORK), ("placeholder network of " + name + "@" + version)
                    .getBytes(StandardCharsets.UTF_8));
            final Map<String, String> files = new LinkedHashMap<>();
            files.put(BundleManifest.NETWORK, Digests.sha256(dir.resolve(BundleManifest.NETWORK)));
            files.put(BundleManifest.VOCABULARY, Digests.sha256(dir.resolve(BundleManifest.VOCABULARY)));
            final int vocabSize = (int) vocabTsv.lines().count() + 1;
            final BundleManifest manifest = new BundleManifest(BundleManifest.SCHEMA, name, version, Lang.EN,
                    Instant.parse("2026-11-27T00:00:00Z"), PipelineConfig.englishDefaults(),
                    new Architecture("embedding-dense", vocabSize, 4, 0, Pooling.MEAN, 0, null, "softmax2", false,
                            MAXLEN),
                    0.5, files, List.of(), null, null);
            final ObjectNode json = Json.MAPPER.valueToTree(manifest);
            json.put("lang", lang);
            json.set("pipeline", pipeline);
            Files.write(dir.resolve(BundleManifest.FILE), Json.writeBytes(json));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code vocab.tsv} text: {@code <OOV>} at 1 with count 0, then {@code words} at 2, 3, ... */
    public static String vocabTsv(final List<String> words) {
        final StringBuilder sb = new StringBuilder(OOV + "\t1\t0\n");
        for (int i = 0; i < words.size(); i++) {
            sb.append(words.get(i)).append('\t').append(i + 2).append('\t').append(100 - i).append('\n');
        }
        return sb.toString();
    }

    public static Packed pack(final ModelBundle bundle) {
        try {
            return new Packed(bundle.manifest().ref().toString(), BundleArchive.pack(bundle), bundle.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Packed packed(final Path parent, final String name, final int version, final String lang,
                                final List<String> words) {
        return packed(parent, name, version, lang, pipeline(lang, "wordpunct"), vocabTsv(words));
    }

    /**
     * Packed as written, without loading it first (the service's load is what is under test), so the manifest
     * may name what {@code ModelBundle.load} refuses; same layout and digest as {@code BundleArchive.pack}.
     */
    public static Packed packed(final Path parent, final String name, final int version, final String lang,
                                final ObjectNode pipeline, final String vocabTsv) {
        final Path dir = write(parent, name, version, lang, pipeline, vocabTsv);
        try (Stream<Path> files = Files.list(dir)) {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                for (final Path file : files.sorted().toList()) {
                    zip.putNextEntry(new ZipEntry(file.getFileName().toString()));
                    Files.copy(file, zip);
                    zip.closeEntry();
                }
            }
            return new Packed(name + "@" + version, out.toByteArray(), Digests.sha256(Files.readAllBytes(
                    dir.resolve(BundleManifest.FILE))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
