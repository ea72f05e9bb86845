package io.sentimentstreams.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentstreams.bundle.Pooling;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.json.UnknownNameException;
import org.junit.jupiter.api.Test;

/** The builder presets, the JSON shape bundles store, and the enums' wire names. */
class PipelineConfigTest {

    /** What {@code englishDefaults()} serialised to when its fields were strings set positionally. */
    private static final String ENGLISH_JSON = "{\"lang\":\"en\",\"nfkc\":false,\"stripHtml\":true,\"splitSentences\":true,"
            + "\"tokenizer\":\"treebank\",\"lower\":true,\"oktNorm\":false,\"oktStem\":false,\"stopwords\":\"none\","
            + "\"minTokenLength\":0,\"numWords\":20000,\"oovToken\":\"<OOV>\",\"maxlen\":200,\"padding\":\"pre\","
            + "\"truncating\":\"pre\",\"maxChars\":100000}";
    private static final String KOREAN_JSON = "{\"lang\":\"ko\",\"nfkc\":false,\"stripHtml\":true,\"splitSentences\":false,"
            + "\"tokenizer\":\"okt\",\"lower\":true,\"oktNorm\":true,\"oktStem\":true,\"stopwords\":\"none\","
            + "\"minTokenLength\":0,\"numWords\":30000,\"oovToken\":\"<OOV>\",\"maxlen\":40,\"padding\":\"pre\","
            + "\"truncating\":\"pre\",\"maxChars\":100000}";

    @Test
    void presetsSerialiseExactlyAsThePositionalConfigsDid() {
        assertThat(Json.write(PipelineConfig.englishDefaults())).isEqualTo(ENGLISH_JSON);
        assertThat(Json.write(PipelineConfig.koreanDefaults())).isEqualTo(KOREAN_JSON);
        assertThat(Json.read(ENGLISH_JSON, PipelineConfig.class)).isEqualTo(PipelineConfig.englishDefaults());
        assertThat(Json.read(KOREAN_JSON, PipelineConfig.class)).isEqualTo(PipelineConfig.koreanDefaults());
    }

    @Test
    void toBuilderKeepsEveryFieldAndChangesOnlyWhatIsSet() {
        final PipelineConfig ko = PipelineConfig.koreanDefaults();
        assertThat(ko.toBuilder().build()).isEqualTo(ko);
        final PipelineConfig nori = ko.toBuilder().tokenizer(Tokenizer.NORI_PUNCT).padding(PadSide.POST).build();
        assertThat(nori.tokenizer()).isEqualTo(Tokenizer.NORI_PUNCT);
        assertThat(nori.padding()).isEqualTo(PadSide.POST);
        assertThat(nori.toBuilder().tokenizer(Tokenizer.OKT).padding(PadSide.PRE).build()).isEqualTo(ko);
    }

    @Test
    void olderBundlesThatOmitFieldsGetTheirDefaults() {
        final PipelineConfig bare = Json.read("{\"maxlen\":10}", PipelineConfig.class).withDefaults();
        assertThat(bare.lang()).isEqualTo(Lang.EN);
        assertThat(bare.tokenizer()).isEqualTo(Tokenizer.TREEBANK);
        assertThat(bare.stopwords()).isEqualTo(Stopwords.NONE);
        assertThat(bare.padding()).isEqualTo(PadSide.PRE);
        assertThat(bare.truncating()).isEqualTo(PadSide.PRE);
        assertThat(bare.maxChars()).isEqualTo(PipelineConfig.DEFAULT_MAX_CHARS);
        assertThat(Json.read("{\"lang\":\"ko\"}", PipelineConfig.class).withDefaults().tokenizer())
                .isEqualTo(Tokenizer.OKT);
        assertThat(Json.write(bare)).isEqualTo("{\"lang\":\"en\",\"nfkc\":false,\"stripHtml\":false,"
                + "\"splitSentences\":false,\"tokenizer\":\"treebank\",\"lower\":false,\"oktNorm\":false,"
                + "\"oktStem\":false,\"stopwords\":\"none\",\"minTokenLength\":0,\"numWords\":0,\"maxlen\":10,"
                + "\"padding\":\"pre\",\"truncating\":\"pre\",\"maxChars\":100000}");
    }

    @Test
    void kerasSplitAndRawTextReachTheTokenizerAndRoundTrip() {
        final PipelineConfig c = PipelineConfig.builder(Lang.EN).tokenizer(Tokenizer.KERAS).split("|").rawText(true)
                .stripHtml(true).splitSentences(false).maxlen(0).build();
        assertThat(Json.read(Json.write(c), PipelineConfig.class)).isEqualTo(c);
        assertThat(Json.write(c)).contains("\"split\":\"|\"", "\"rawText\":true");
        // Raw: no tag stripping, no control-character replacement; filter characters become '|', spaces stay.
        assertThat(TextPipeline.of(c).tokenize("Good<br />film|so\u0085so")).containsExactly("good", "br ", "film",
                "so\u0085so");
        final PipelineConfig normalized = c.toBuilder().rawText(false).split(null).build();
        assertThat(TextPipeline.of(normalized).tokenize("Good<br />film|so\u0085so")).containsExactly("good", "film", "so", "so");
    }

    @Test
    void enumsWriteAndReadTheirWireNames() {
        assertThat(Lang.NAMES).containsExactly("en", "ko");
        assertThat(Tokenizer.NAMES).containsExactly("treebank", "wordpunct", "keras", "okt", "nori", "nori-punct");
        for (final Tokenizer t : Tokenizer.values()) {
            assertThat(Json.write(t)).isEqualTo("\"" + t.wireName() + "\"");
            assertThat(Json.read(Json.write(t), Tokenizer.class)).isEqualTo(t);
            assertThat(Tokenizer.of(t.toString())).isEqualTo(t);
        }
        for (final Lang l : Lang.values()) {
            assertThat(Json.read(Json.write(l), Lang.class)).isEqualTo(l);
        }
        assertThat(Json.write(PadSide.POST)).isEqualTo("\"post\"");
        assertThat(Json.write(Pooling.MEAN)).isEqualTo("\"mean\"");
        assertThat(Pooling.of("last")).isEqualTo(Pooling.LAST);
        assertThat(Json.read("null", Lang.class)).isNull();
    }

    @Test
    void unknownNamesAreErrorsNamingTheValueAndTheAllowedOnes() {
        assertThatThrownBy(() -> Lang.of("fr")).isInstanceOf(UnknownNameException.class)
                .hasMessage("unknown language 'fr' (allowed: en, ko)");
        assertThatThrownBy(() -> Lang.of("EN")).hasMessage("unknown language 'EN' (allowed: en, ko)");
        assertThatThrownBy(() -> Tokenizer.of(null)).hasMessage("unknown tokenizer null (allowed: treebank, "
                + "wordpunct, keras, okt, nori, nori-punct)");
        assertThatThrownBy(() -> PadSide.of("middle")).hasMessage("unknown padding side 'middle' (allowed: pre, post)");
        assertThatThrownBy(() -> Pooling.of("attention")).hasMessage("unknown pooling 'attention' (allowed: last, max, "
                + "mean)");
        final UnknownNameException e = (UnknownNameException) catchUnknown(() -> Tokenizer.of("spacy"));
        assertThat(e.type()).isEqualTo(Tokenizer.class);
        assertThat(e.value()).isEqualTo("spacy");
        assertThat(e.allowed()).isEqualTo(Tokenizer.NAMES);
        assertThatThrownBy(() -> Json.read("{\"lang\":\"fr\"}", PipelineConfig.class))
                .hasMessageContaining("unknown language 'fr' (allowed: en, ko)");
    }

    private static Throwable catchUnknown(final Runnable r) {
        try {
            r.run();
        } catch (final UnknownNameException e) {
            return e;
        }
        throw new AssertionError("no UnknownNameException");
    }
}
