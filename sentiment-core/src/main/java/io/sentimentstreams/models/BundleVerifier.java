package io.sentimentstreams.models;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.BundleArchive;
import io.sentimentstreams.bundle.BundleDirs;
import io.sentimentstreams.bundle.BundleException;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.contracts.ModelRef;
import io.sentimentstreams.text.PipelineConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * A record of {@code sentiment.models} (key, zipped bundle, digest header) in; an {@link Announcement} and
 * then a verified {@link ModelBundle} unpacked under the cache directory out, or a {@link Refusal}. The
 * checks every service applies alike: key syntax, digest header present, archive sane, digest and every
 * file's sha256, key equal to the manifest, supported language, and a pipeline whose rows fit the network.
 */
public final class BundleVerifier {

    private static final Logger LOG = Logger.getLogger(BundleVerifier.class);

    private final Path cacheDir;

    public BundleVerifier(final Path cacheDir) {
        this.cacheDir = cacheDir;
    }

    /**
     * Checks what can be checked without unpacking: the key, and for a bundle (not a tombstone) that its
     * digest header is present. Services decide on the result whether the bundle is worth unpacking.
     */
    public Announcement announcement(final String key, final byte[] archive, final String digest)
            throws BundleRefusedException {
        final ModelRef ref;
        try {
            ref = ModelRef.parse(key);
        } catch (IllegalArgumentException e) {
            throw refused(key, null, RefusalReason.BAD_KEY, "record key '" + key + "' is not name@version: "
                    + e.getMessage());
        }
        if (archive == null) {
            return new Announcement(key, ref, null, digest);
        }
        if (digest == null || digest.isBlank()) {
            throw refused(key, ref, RefusalReason.MISSING_DIGEST, "no " + BundleArchive.DIGEST_HEADER
                    + " header: the bundle cannot be checked against its announcement");
        }
        return new Announcement(key, ref, archive, digest.trim());
    }

    /**
     * Unpacks {@code announcement} into a new directory under the cache directory and verifies it. The
     * caller owns the returned bundle's directory ({@link #delete} it when done); on a refusal nothing of
     * it is left on disk.
     */
    public ModelBundle verify(final Announcement announcement) throws BundleRefusedException {
        if (announcement.tombstone()) {
            throw new IllegalArgumentException("a tombstone has no bundle to verify: " + announcement.key());
        }
        final Path dir;
        try {
            Files.createDirectories(cacheDir);
            dir = Files.createTempDirectory(cacheDir, "bundle-");
        } catch (IOException | UncheckedIOException e) {
            throw refused(announcement, RefusalReason.CACHE_DIR, "cannot unpack into " + cacheDir + ": " + e);
        }
        try {
            final ModelBundle bundle = BundleArchive.unpackInto(announcement.archive(), dir, announcement.digest());
            check(announcement, bundle);
            return bundle;
        } catch (BundleException e) {
            delete(dir);
            throw refused(announcement, RefusalReason.of(e.kind()), e.getMessage());
        } catch (BundleRefusedException e) {
            delete(dir);
            throw e;
        } catch (RuntimeException e) {
            delete(dir);
            throw refused(announcement, RefusalReason.BAD_BUNDLE, e.toString());
        }
    }

    private static void check(final Announcement a, final ModelBundle bundle) throws BundleRefusedException {
        final BundleManifest m = bundle.manifest();
        if (!m.ref().equals(a.ref())) {
            throw refused(a, RefusalReason.KEY_MISMATCH, "record key " + a.key() + " but the bundle is " + m.ref());
        }
        final Lang lang = m.lang();
        if (lang == null) {
            throw refused(a, RefusalReason.UNSUPPORTED_LANG, "bundle has no language; it must be one of " + Lang.NAMES);
        }
        final PipelineConfig p = m.pipeline();
        if (p.lang() != null && p.lang() != lang) {
            throw refused(a, RefusalReason.LANG_MISMATCH,
                    "bundle language " + lang + " but its pipeline is configured for " + p.lang());
        }
        final Architecture arch = m.architecture();
        if (p.maxlen() < 1) {
            throw shape(a, m, "pipeline maxlen " + p.maxlen() + " < 1");
        }
        if (arch.maxlen() > 0 && arch.maxlen() != p.maxlen()) {
            throw shape(a, m, "network expects " + arch.maxlen() + " time steps, the pipeline pads to "
                    + p.maxlen());
        }
        if (arch.vocabSize() < 2) {
            throw shape(a, m, "network vocabulary size " + arch.vocabSize() + " < 2");
        }
        final long words = vocabularyLines(a, bundle);
        // Keras num_words keeps ids below it; index 0 is padding, so the largest id is the word count.
        final long largestId = p.numWords() > 0 ? Math.min(p.numWords() - 1L, words) : words;
        if (largestId >= arch.vocabSize()) {
            throw shape(a, m, "the encoder can emit id " + largestId + " but the network embeds only "
                    + arch.vocabSize() + " ids");
        }
    }

    private static long vocabularyLines(final Announcement a, final ModelBundle bundle) throws BundleRefusedException {
        try (Stream<String> lines = Files.lines(bundle.file(BundleManifest.VOCABULARY))) {
            return lines.filter(l -> !l.isEmpty()).count();
        } catch (IOException | UncheckedIOException e) {
            throw refused(a, RefusalReason.MISSING_FILE, "cannot read " + BundleManifest.VOCABULARY + " of "
                    + bundle.manifest().ref() + ": " + e);
        }
    }

    private static BundleRefusedException shape(final Announcement a, final BundleManifest m, final String why) {
        return refused(a, RefusalReason.SHAPE_MISMATCH, "bundle " + m.ref() + " refused: " + why);
    }

    private static BundleRefusedException refused(final Announcement a, final RefusalReason reason,
                                                  final String message) {
        return refused(a.key(), a.ref(), reason, message);
    }

    private static BundleRefusedException refused(final String key, final ModelRef ref, final RefusalReason reason,
                                                  final String message) {
        return new BundleRefusedException(new Refusal(key, ref, reason, message));
    }

    /** Deletes an unpacked bundle directory; a leftover is logged, not fatal (the cache is scratch space). */
    public static void delete(final Path dir) {
        BundleDirs.delete(dir, (path, e) -> LOG.warnf("cannot delete %s of unpacked bundle %s: %s", path, dir,
                e.toString()));
    }
}
