package io.sentimentstreams.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.BundleArchive;
import io.sentimentstreams.bundle.BundleException;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.Digests;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.contracts.ModelRef;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.text.PipelineConfig;
import io.sentimentstreams.bundle.Pooling;
import io.sentimentstreams.text.PadSide;
import io.sentimentstreams.text.Tokenizer;
import io.sentimentstreams.contracts.Lang;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every refusal reason of the shared verifier, that a good bundle passes, and that refusals leave nothing on disk. */
class BundleVerifierTest {

    private static final int MAXLEN = 8;
    private static final String VOCAB = "<OOV>\t1\t0\ngood\t2\t9\nbad\t3\t8\n";

    @TempDir
    Path tmp;
    private Path cache;
    private BundleVerifier verifier;

    @BeforeEach
    void setUp() {
        cache = tmp.resolve("cache");
        verifier = new BundleVerifier(cache);
    }

    private static PipelineConfig pipeline(final Lang lang, final int maxlen) {
        return PipelineConfig.builder(lang).stripHtml(true).splitSentences(false).tokenizer(Tokenizer.WORDPUNCT)
                .lower(true).oktNorm(false).oktStem(false).stopwords("none").minTokenLength(0).numWords(0)
                .oovToken("<OOV>").maxlen(maxlen).padding(PadSide.PRE).truncating(PadSide.PRE)
                .maxChars(PipelineConfig.DEFAULT_MAX_CHARS).nfkc(false).build();
    }

    private static Architecture architecture(final int vocabSize, final int maxlen) {
        return new Architecture("embedding-dense", vocabSize, 4, 0, Pooling.MEAN, 0, null, "softmax2", false, maxlen);
    }

    private ModelBundle bundle(final String name, final int version, final Lang lang, final PipelineConfig p,
                               final Architecture a) throws IOException, BundleException {
        final Path dir = Files.createTempDirectory(tmp, name + "-" + version + "-");
        Files.writeString(dir.resolve(BundleManifest.VOCABULARY), VOCAB);
        Files.writeString(dir.resolve(BundleManifest.NETWORK), "network of " + name + "@" + version);
        final Map<String, String> files = new LinkedHashMap<>();
        files.put(BundleManifest.NETWORK, Digests.sha256(dir.resolve(BundleManifest.NETWORK)));
        files.put(BundleManifest.VOCABULARY, Digests.sha256(dir.resolve(BundleManifest.VOCABULARY)));
        Files.write(dir.resolve(BundleManifest.FILE), Json.writeBytes(new BundleManifest(BundleManifest.SCHEMA, name,
                version, lang, Instant.parse("2026-11-27T00:00:00Z"), p, a, 0.5, files, List.of(), null, null)));
        return ModelBundle.load(dir);
    }

    private ModelBundle good(final String name, final int version) throws IOException, BundleException {
        return bundle(name, version, Lang.EN, pipeline(Lang.EN, MAXLEN), architecture(5, MAXLEN));
    }

    private static byte[] zip(final Map<String, byte[]> entries) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (final Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private Refusal refusal(final String key, final byte[] archive, final String digest) {
        try {
            final ModelBundle b = verifier.verify(verifier.announcement(key, archive, digest));
            throw new AssertionError("expected a refusal of " + key + ", got " + b);
        } catch (BundleRefusedException e) {
            return e.refusal();
        }
    }

    private RefusalReason reason(final ModelBundle b) throws IOException {
        return refusal(b.manifest().ref().toString(), BundleArchive.pack(b), b.digest()).reason();
    }

    private void assertCacheEmpty() throws IOException {
        if (Files.exists(cache)) {
            try (Stream<Path> left = Files.list(cache)) {
                assertThat(left).isEmpty();
            }
        }
    }

    @Test
    void goodBundleIsVerifiedAndUnpackedUnderTheCacheDirectory() throws Exception {
        final ModelBundle b = good("imdb-en", 3);
        final Announcement a = verifier.announcement("imdb-en@3", BundleArchive.pack(b), " " + b.digest() + "\n");
        assertThat(a.ref()).isEqualTo(new ModelRef("imdb-en", 3));
        assertThat(a.digest()).isEqualTo(b.digest());
        final ModelBundle verified = verifier.verify(a);
        assertThat(verified.digest()).isEqualTo(b.digest());
        assertThat(verified.dir().getParent()).isEqualTo(cache);
        BundleVerifier.delete(verified.dir());
        assertCacheEmpty();
    }

    @Test
    void tombstoneIsAnAnnouncementWithoutBundle() throws Exception {
        final Announcement a = verifier.announcement("imdb-en@3", null, null);
        assertThat(a.tombstone()).isTrue();
        assertThat(a.ref()).isEqualTo(new ModelRef("imdb-en", 3));
        assertThatThrownBy(() -> verifier.verify(a)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keyThatIsNotNameAtVersionIsBadKeyWithModelUnknown() {
        for (final String key : new String[] {"no-version", "x@0", "@1", null}) {
            final Refusal r = refusal(key, new byte[] {1}, "ab");
            assertThat(r.reason()).as(key).isEqualTo(RefusalReason.BAD_KEY);
            assertThat(r.ref()).isNull();
            assertThat(r.modelTag()).isEqualTo("unknown");
        }
        // A tombstone with a bad key is refused as well: the key is checked first.
        assertThat(refusal("no-version", null, null).reason()).isEqualTo(RefusalReason.BAD_KEY);
    }

    @Test
    void bundleWithoutDigestHeaderIsRefused() throws Exception {
        final ModelBundle b = good("imdb-en", 1);
        assertThat(refusal("imdb-en@1", BundleArchive.pack(b), null).reason()).isEqualTo(RefusalReason.MISSING_DIGEST);
        final Refusal blank = refusal("imdb-en@1", BundleArchive.pack(b), "  ");
        assertThat(blank.reason()).isEqualTo(RefusalReason.MISSING_DIGEST);
        assertThat(blank.modelTag()).isEqualTo("imdb-en");
        assertThat(blank.message()).contains(BundleArchive.DIGEST_HEADER);
        assertCacheEmpty();
    }

    @Test
    void digestDifferentFromTheHeaderIsAChecksumMismatch() throws Exception {
        final ModelBundle b = good("imdb-en", 1);
        final Refusal r = refusal("imdb-en@1", BundleArchive.pack(b), "0".repeat(64));
        assertThat(r.reason()).isEqualTo(RefusalReason.CHECKSUM_MISMATCH);
        assertThat(r.message()).contains("announced");
        assertCacheEmpty();
    }

    @Test
    void fileAlteredAfterTheManifestWasWrittenIsAChecksumMismatch() throws Exception {
        final ModelBundle b = good("imdb-en", 1);
        Files.writeString(b.file(BundleManifest.VOCABULARY), "<OOV>\t1\t0\nevil\t2\t1\n");
        final Refusal r = refusal("imdb-en@1", BundleArchive.pack(b), b.digest());
        assertThat(r.reason()).isEqualTo(RefusalReason.CHECKSUM_MISMATCH);
        assertThat(r.message()).contains(BundleManifest.VOCABULARY);
        assertCacheEmpty();
    }

    @Test
    void archiveWithAnEntryOutsideTheBundleIsBadArchive() throws Exception {
        final byte[] evil = zip(Map.of("../escape.txt", "x".getBytes(StandardCharsets.UTF_8)));
        assertThat(refusal("imdb-en@1", evil, "ab").reason()).isEqualTo(RefusalReason.BAD_ARCHIVE);
        assertThat(Files.exists(tmp.resolve("escape.txt"))).isFalse();
        assertCacheEmpty();
    }

    @Test
    void archiveWithoutManifestOrWithoutAListedFileIsMissingFile() throws Exception {
        assertThat(refusal("imdb-en@1", "not a zip".getBytes(StandardCharsets.UTF_8), "ab").reason())
                .isEqualTo(RefusalReason.MISSING_FILE);
        final ModelBundle b = good("imdb-en", 1);
        final byte[] noNetwork = zip(Map.of(BundleManifest.FILE, Files.readAllBytes(b.file(BundleManifest.FILE)),
                BundleManifest.VOCABULARY, Files.readAllBytes(b.file(BundleManifest.VOCABULARY))));
        final Refusal r = refusal("imdb-en@1", noNetwork, b.digest());
        assertThat(r.reason()).isEqualTo(RefusalReason.MISSING_FILE);
        assertThat(r.message()).contains(BundleManifest.NETWORK);
        assertCacheEmpty();
    }

    @Test
    void unreadableManifestIsBadManifest() throws Exception {
        final byte[] archive = zip(Map.of(BundleManifest.FILE, "{not json".getBytes(StandardCharsets.UTF_8)));
        assertThat(refusal("imdb-en@1", archive, "ab").reason()).isEqualTo(RefusalReason.BAD_MANIFEST);
        assertCacheEmpty();
    }

    @Test
    void keyNamingAnotherVersionThanTheManifestIsKeyMismatch() throws Exception {
        final ModelBundle b = good("imdb-en", 1);
        final Refusal r = refusal("imdb-en@7", BundleArchive.pack(b), b.digest());
        assertThat(r.reason()).isEqualTo(RefusalReason.KEY_MISMATCH);
        assertThat(r.ref()).isEqualTo(new ModelRef("imdb-en", 7));
        assertThat(refusal("other@1", BundleArchive.pack(b), b.digest()).reason()).isEqualTo(RefusalReason.KEY_MISMATCH);
        assertCacheEmpty();
    }

    @Test
    void languageOutsideTheServedOnesIsUnsupportedLang() throws Exception {
        // No Lang holds "fr", so the manifest is written as text, as another tool would write it.
        final ModelBundle b = good("allocine-fr", 1);
        final byte[] manifest = Files.readString(b.file(BundleManifest.FILE)).replace("\"lang\":\"en\"", "\"lang\":\"fr\"")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(new String(manifest, StandardCharsets.UTF_8)).contains("\"lang\":\"fr\"");
        final byte[] archive = zip(Map.of(BundleManifest.FILE, manifest,
                BundleManifest.NETWORK, Files.readAllBytes(b.file(BundleManifest.NETWORK)),
                BundleManifest.VOCABULARY, Files.readAllBytes(b.file(BundleManifest.VOCABULARY))));
        final Refusal r = refusal("allocine-fr@1", archive, Digests.sha256(manifest));
        assertThat(r.reason()).isEqualTo(RefusalReason.UNSUPPORTED_LANG);
        assertThat(r.message()).contains("fr");
        assertCacheEmpty();
    }

    @Test
    void pipelineForAnotherLanguageIsLangMismatch() throws Exception {
        final ModelBundle b = bundle("imdb-en", 1, Lang.EN, pipeline(Lang.KO, MAXLEN), architecture(5, MAXLEN));
        assertThat(reason(b)).isEqualTo(RefusalReason.LANG_MISMATCH);
    }

    @Test
    void rowsThatDoNotFitTheNetworkAreShapeMismatch() throws Exception {
        // the pipeline pads to 8 steps, the network was built for 12
        assertThat(reason(bundle("s", 1, Lang.EN, pipeline(Lang.EN, MAXLEN), architecture(5, 12))))
                .isEqualTo(RefusalReason.SHAPE_MISMATCH);
        // vocab.tsv has 3 lines, so the encoder can emit id 3; the network embeds ids 0..2 only
        final ModelBundle small = bundle("s", 2, Lang.EN, pipeline(Lang.EN, MAXLEN), architecture(3, MAXLEN));
        final Refusal r = refusal("s@2", BundleArchive.pack(small), small.digest());
        assertThat(r.reason()).isEqualTo(RefusalReason.SHAPE_MISMATCH);
        assertThat(r.message()).contains("id 3").contains("only 3 ids");
        // a network without a vocabulary to speak of
        assertThat(reason(bundle("s", 3, Lang.EN, pipeline(Lang.EN, MAXLEN), architecture(1, MAXLEN))))
                .isEqualTo(RefusalReason.SHAPE_MISMATCH);
        // architecture maxlen 0 means "any length": only the vocabulary bound applies
        final ModelBundle any = bundle("s", 4, Lang.EN, pipeline(Lang.EN, MAXLEN), architecture(4, 0));
        BundleVerifier.delete(verifier.verify(verifier.announcement("s@4", BundleArchive.pack(any), any.digest())).dir());
        assertCacheEmpty();
    }

    @Test
    void cacheDirectoryThatCannotBeCreatedIsCacheDir() throws Exception {
        final Path file = Files.writeString(tmp.resolve("a-file"), "x");
        final BundleVerifier blocked = new BundleVerifier(file.resolve("cache"));
        final ModelBundle b = good("imdb-en", 1);
        final BundleRefusedException e = org.junit.jupiter.api.Assertions.assertThrows(BundleRefusedException.class,
                () -> blocked.verify(blocked.announcement("imdb-en@1", BundleArchive.pack(b), b.digest())));
        assertThat(e.refusal().reason()).isEqualTo(RefusalReason.CACHE_DIR);
    }

    @Test
    void everyBundleExceptionKindHasAReason() {
        for (final BundleException.Kind kind : BundleException.Kind.values()) {
            assertThat(RefusalReason.of(kind)).as(kind.name()).isNotNull();
        }
        assertThat(RefusalReason.of(BundleException.Kind.SHAPE_MISMATCH)).isEqualTo(RefusalReason.SHAPE_MISMATCH);
    }
}
