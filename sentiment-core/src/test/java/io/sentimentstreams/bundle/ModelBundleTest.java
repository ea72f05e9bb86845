package io.sentimentstreams.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.text.PadSide;
import io.sentimentstreams.text.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shipped bundles load unchanged through the typed manifest, and unknown names are refused by kind. */
class ModelBundleTest {

    private static Path models() {
        return Path.of(System.getProperty("sentiment.repo.dir", ".."), "models");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "imdb-en, 159b074d686716f416b7915229edf878e5734025ff6fc77b9cd1110e216044a4, en, treebank",
        "nsmc-ko, c761e43adb9ce7381adb63674117d4d1d618f3a18d467b80adabd848e428b958, ko, nori-punct"})
    void shippedBundlesLoadWithTheirDigestAndRoundTripFieldForField(final String name, final String digest,
                                                                     final String lang, final String tokenizer)
            throws Exception {
        final Path dir = models().resolve(name);
        final ModelBundle bundle = ModelBundle.load(dir);
        assertThat(bundle.digest()).isEqualTo(digest);
        final BundleManifest m = bundle.manifest();
        assertThat(m.lang()).isEqualTo(Lang.of(lang));
        assertThat(m.pipeline().lang()).isEqualTo(Lang.of(lang));
        assertThat(m.pipeline().tokenizer()).isEqualTo(Tokenizer.of(tokenizer));
        assertThat(m.pipeline().padding()).isEqualTo(PadSide.PRE);
        assertThat(m.architecture().pooling()).isEqualTo(Pooling.MAX);
        // Through text, so numbers compare as the file's (a tree built from the record keeps float vs double).
        final JsonNode written = Json.MAPPER.readTree(Json.write(m));
        assertThat(written).isEqualTo(Json.MAPPER.readTree(Files.readAllBytes(dir.resolve(BundleManifest.FILE))));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "/lang | fr | UNSUPPORTED_LANG | lang: unknown language 'fr' (allowed: en, ko)",
        "/pipeline/lang | de | UNSUPPORTED_LANG | pipeline.lang: unknown language 'de'",
        "/pipeline/tokenizer | spacy | BAD_PIPELINE | pipeline.tokenizer: unknown tokenizer 'spacy' (allowed: treebank",
        "/pipeline/truncating | both | BAD_PIPELINE | pipeline.truncating: unknown padding side 'both' (allowed: pre, post)",
        "/architecture/pooling | attention | BAD_MANIFEST | architecture.pooling: unknown pooling 'attention'"})
    void unknownNamesInTheManifestAreRefusedWithTheirKindFieldAndValue(final String pointer, final String value,
                                                                        final BundleException.Kind kind,
                                                                        final String message,
                                                                        @TempDir final Path tmp) throws Exception {
        final Path source = models().resolve("imdb-en");
        final ObjectNode manifest = (ObjectNode) Json.MAPPER.readTree(Files.readAllBytes(
                source.resolve(BundleManifest.FILE)));
        final int slash = pointer.lastIndexOf('/');
        ((ObjectNode) manifest.at(pointer.substring(0, slash))).put(pointer.substring(slash + 1), value);
        Files.write(tmp.resolve(BundleManifest.FILE), Json.writeBytes(manifest));
        assertThatThrownBy(() -> ModelBundle.load(tmp)).isInstanceOfSatisfying(BundleException.class,
                e -> assertThat(e.kind()).isEqualTo(kind)).hasMessageContaining(message);
    }
}
