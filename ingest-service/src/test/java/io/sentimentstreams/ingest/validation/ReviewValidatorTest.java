package io.sentimentstreams.ingest.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.contracts.Reason;
import io.sentimentstreams.contracts.Review;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReviewValidatorTest {

    private final ReviewValidator validator = new ReviewValidator(new IngestLimits(50, 5, 10_000));

    private ItemResult check(final String json) {
        return validator.validateDocument(json.getBytes(StandardCharsets.UTF_8), null);
    }

    private static void assertRejected(final ItemResult result, final Reason reason, final String field) {
        assertThat(result.isValid()).as("expected a %s violation", reason).isFalse();
        assertThat(result.violations()).anySatisfy(v -> {
            assertThat(v.reason()).isEqualTo(reason);
            assertThat(v.field()).isEqualTo(field);
        });
    }

    @Test
    void fullEnvelopeIsAcceptedWithEveryField() {
        final ItemResult result = check("{\"id\":\"r-1\",\"text\":\"great film\",\"lang\":\"en\",\"source\":\"imdb web\","
                + "\"attributes\":{\"stars\":\"9\",\"user\":\"u1\"}}");
        assertThat(result.isValid()).isTrue();
        final Review review = result.input().toReview(Instant.EPOCH);
        assertThat(review.id()).isEqualTo("r-1");
        assertThat(review.text()).isEqualTo("great film");
        assertThat(review.lang()).isEqualTo(Lang.EN);
        assertThat(review.source()).isEqualTo("imdb web");
        assertThat(review.attributes()).isEqualTo(Map.of("stars", "9", "user", "u1"));
        assertThat(review.schema()).isEqualTo(Review.SCHEMA);
    }

    @Test
    void missingIdIsGeneratedAndNullOptionalsMeanAbsent() {
        final ItemResult result = check("{\"text\":\"좋은 영화\",\"id\":null,\"lang\":null,\"source\":null,\"attributes\":null}");
        assertThat(result.isValid()).isTrue();
        final Review review = result.input().toReview(Instant.EPOCH);
        assertThat(review.id()).hasSize(36);
        assertThat(review.lang()).isNull();
        assertThat(review.attributes()).isEmpty();
    }

    @Test
    void textWithTabsNewlinesAndEmojiIsAccepted() {
        assertThat(check("{\"text\":\"line one\\n\\tline two \\ud83d\\ude00\\r\\n\"}").isValid()).isTrue();
    }

    @Test
    void malformedJsonIsInvalidJson() {
        assertRejected(check("{\"text\": \"unterminated"), Reason.INVALID_JSON, null);
        assertRejected(check("{\"text\":\"a\",}"), Reason.INVALID_JSON, null);
        assertRejected(check("not json"), Reason.INVALID_JSON, null);
    }

    @Test
    void emptyAndWhitespaceDocumentsAreInvalidJson() {
        assertRejected(validator.validateDocument(new byte[0], null), Reason.INVALID_JSON, null);
        assertRejected(validator.validateDocument(null, null), Reason.INVALID_JSON, null);
        assertRejected(check("  \n "), Reason.INVALID_JSON, null);
    }

    @Test
    void invalidUtf8IsInvalidJson() {
        final byte[] bytes = {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertRejected(validator.validateDocument(bytes, null), Reason.INVALID_JSON, null);
    }

    @Test
    void binaryGarbageIsInvalidJson() {
        final byte[] bytes = {0, 1, 2, (byte) 0xFF, (byte) 0xFE, 0x7F, 10};
        assertRejected(validator.validateDocument(bytes, null), Reason.INVALID_JSON, null);
    }

    @Test
    void nanAndInfinityAreInvalidJson() {
        assertRejected(check("{\"text\":NaN}"), Reason.INVALID_JSON, null);
        assertRejected(check("{\"text\":\"x\",\"attributes\":{\"a\":Infinity}}"), Reason.INVALID_JSON, null);
        assertRejected(check("{\"text\":-Infinity}"), Reason.INVALID_JSON, null);
    }

    @Test
    void duplicateKeysAreInvalidJsonNamingTheKey() {
        final ItemResult result = check("{\"text\":\"a\",\"text\":\"b\"}");
        assertRejected(result, Reason.INVALID_JSON, "text");
        assertThat(result.violations().get(0).detail()).contains("duplicate key");
    }

    @Test
    void duplicateAttributeKeysAreInvalidAttributes() {
        assertRejected(check("{\"text\":\"a\",\"attributes\":{\"k\":\"1\",\"k\":\"2\"}}"), Reason.INVALID_ATTRIBUTES,
                "attributes");
    }

    @Test
    void deepNestingIsRefusedByTheParser() {
        final String deep = "[".repeat(5_000) + "]".repeat(5_000);
        final ItemResult result = check("{\"text\":\"a\",\"attributes\":" + deep + "}");
        assertRejected(result, Reason.INVALID_JSON, null);
        assertThat(result.violations().get(0).detail()).contains("nesting depth");
    }

    @Test
    void trailingContentIsInvalidJson() {
        assertRejected(check("{\"text\":\"a\"} {\"text\":\"b\"}"), Reason.INVALID_JSON, null);
    }

    @Test
    void nonObjectDocumentsAreInvalidType() {
        assertRejected(check("[{\"text\":\"a\"}]"), Reason.INVALID_TYPE, null);
        assertRejected(check("\"just text\""), Reason.INVALID_TYPE, null);
        assertRejected(check("42"), Reason.INVALID_TYPE, null);
        assertRejected(check("null"), Reason.INVALID_TYPE, null);
    }

    @Test
    void wrongFieldTypesAreInvalidTypeWithTheField() {
        assertRejected(check("{\"text\":42}"), Reason.INVALID_TYPE, "text");
        assertRejected(check("{\"text\":[\"a\"]}"), Reason.INVALID_TYPE, "text");
        assertRejected(check("{\"text\":\"a\",\"id\":7}"), Reason.INVALID_TYPE, "id");
        assertRejected(check("{\"text\":\"a\",\"lang\":true}"), Reason.INVALID_TYPE, "lang");
        assertRejected(check("{\"text\":\"a\",\"source\":{}}"), Reason.INVALID_TYPE, "source");
    }

    @Test
    void missingNullEmptyAndWhitespaceTextAreBlankText() {
        assertRejected(check("{\"id\":\"x\"}"), Reason.BLANK_TEXT, "text");
        assertRejected(check("{\"text\":null}"), Reason.BLANK_TEXT, "text");
        assertRejected(check("{\"text\":\"\"}"), Reason.BLANK_TEXT, "text");
        assertRejected(check("{\"text\":\" \\n\\t \"}"), Reason.BLANK_TEXT, "text");
    }

    @Test
    void textOverTheLimitIsTooLongButTheLimitItselfIsAccepted() {
        assertThat(check("{\"text\":\"" + "a".repeat(50) + "\"}").isValid()).isTrue();
        final ItemResult tooLong = check("{\"text\":\"" + "a".repeat(51) + "\"}");
        assertRejected(tooLong, Reason.TEXT_TOO_LONG, "text");
        assertThat(tooLong.violations().get(0).detail()).contains("51").contains("50").doesNotContain("aaaa");
    }

    @Test
    void textLimitCountsCodePointsNotUtf16Units() {
        final String emoji = "\\ud83d\\ude00".repeat(50);
        assertThat(check("{\"text\":\"" + emoji + "\"}").isValid()).isTrue();
    }

    @Test
    void controlCharactersAndLoneSurrogatesInTextAreInvalidText() {
        assertRejected(check("{\"text\":\"nul \\u0000 here\"}"), Reason.INVALID_TEXT, "text");
        assertRejected(check("{\"text\":\"bell \\u0007\"}"), Reason.INVALID_TEXT, "text");
        assertRejected(check("{\"text\":\"del \\u007f\"}"), Reason.INVALID_TEXT, "text");
        assertRejected(check("{\"text\":\"lone \\ud800 high\"}"), Reason.INVALID_TEXT, "text");
        assertRejected(check("{\"text\":\"lone \\udc00 low\"}"), Reason.INVALID_TEXT, "text");
    }

    @Test
    void idsThatAreTooLongEmptyOrNotPrintableAreInvalidId() {
        assertThat(check("{\"text\":\"a\",\"id\":\"" + "x".repeat(128) + "\"}").isValid()).isTrue();
        assertRejected(check("{\"text\":\"a\",\"id\":\"" + "x".repeat(129) + "\"}"), Reason.INVALID_ID, "id");
        assertRejected(check("{\"text\":\"a\",\"id\":\"\"}"), Reason.INVALID_ID, "id");
        assertRejected(check("{\"text\":\"a\",\"id\":\"has space\"}"), Reason.INVALID_ID, "id");
        assertRejected(check("{\"text\":\"a\",\"id\":\"tab\\there\"}"), Reason.INVALID_ID, "id");
        assertRejected(check("{\"text\":\"a\",\"id\":\"nul\\u0000\"}"), Reason.INVALID_ID, "id");
        assertRejected(check("{\"text\":\"a\",\"id\":\"zw\\u200bsp\"}"), Reason.INVALID_ID, "id");
        assertRejected(check("{\"text\":\"a\",\"id\":\"\\ud800\"}"), Reason.INVALID_ID, "id");
    }

    @Test
    void unknownLanguagesAreRejectedAndOnlyLowerCaseEnKoPass() {
        assertThat(check("{\"text\":\"a\",\"lang\":\"ko\"}").isValid()).isTrue();
        assertRejected(check("{\"text\":\"a\",\"lang\":\"fr\"}"), Reason.UNKNOWN_LANG, "lang");
        assertRejected(check("{\"text\":\"a\",\"lang\":\"EN\"}"), Reason.UNKNOWN_LANG, "lang");
        assertRejected(check("{\"text\":\"a\",\"lang\":\"\"}"), Reason.UNKNOWN_LANG, "lang");
        assertThat(check("{\"text\":\"a\",\"lang\":\"fr\"}").violations()).singleElement()
                .satisfies(v -> assertThat(v.detail()).isEqualTo("lang must be \"en\", \"ko\" or absent (auto-detect)"));
    }

    @Test
    void sourcesThatAreTooLongOrNotPrintableAreInvalidSource() {
        assertRejected(check("{\"text\":\"a\",\"source\":\"" + "s".repeat(129) + "\"}"), Reason.INVALID_SOURCE, "source");
        assertRejected(check("{\"text\":\"a\",\"source\":\"line\\nbreak\"}"), Reason.INVALID_SOURCE, "source");
        assertRejected(check("{\"text\":\"a\",\"source\":\"   \"}"), Reason.INVALID_SOURCE, "source");
    }

    @Test
    void attributesMustBeASmallMapOfPrintableKeysToStrings() {
        assertRejected(check("{\"text\":\"a\",\"attributes\":[]}"), Reason.INVALID_ATTRIBUTES, "attributes");
        assertRejected(check("{\"text\":\"a\",\"attributes\":\"k=v\"}"), Reason.INVALID_ATTRIBUTES, "attributes");
        assertRejected(check("{\"text\":\"a\",\"attributes\":{\"n\":1}}"), Reason.INVALID_ATTRIBUTES, "attributes");
        assertRejected(check("{\"text\":\"a\",\"attributes\":{\"n\":null}}"), Reason.INVALID_ATTRIBUTES, "attributes");
        assertRejected(check("{\"text\":\"a\",\"attributes\":{\"nested\":{\"x\":\"y\"}}}"), Reason.INVALID_ATTRIBUTES,
                "attributes");
        assertRejected(check("{\"text\":\"a\",\"attributes\":{\"bad key\":\"v\"}}"), Reason.INVALID_ATTRIBUTES,
                "attributes");
        assertRejected(check("{\"text\":\"a\",\"attributes\":{\"\":\"v\"}}"), Reason.INVALID_ATTRIBUTES, "attributes");
        assertRejected(check("{\"text\":\"a\",\"attributes\":{\"k\":\"" + "v".repeat(1025) + "\"}}"),
                Reason.INVALID_ATTRIBUTES, "attributes");
        assertRejected(check("{\"text\":\"a\",\"attributes\":{\"k\":\"nul\\u0000\"}}"), Reason.INVALID_ATTRIBUTES,
                "attributes");
        final StringBuilder many = new StringBuilder("{\"text\":\"a\",\"attributes\":{");
        for (int i = 0; i < 33; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
        }
        assertRejected(check(many.append("}}").toString()), Reason.INVALID_ATTRIBUTES, "attributes");
    }

    @Test
    void unknownFieldsAreRejectedByName() {
        final ItemResult result = check("{\"text\":\"a\",\"rating\":5,\"extra\":{\"deep\":[1,2]}}");
        assertRejected(result, Reason.UNKNOWN_FIELD, "rating");
        assertRejected(result, Reason.UNKNOWN_FIELD, "extra");
    }

    @Test
    void everyViolationOfAnItemIsReported() {
        final ItemResult result = check("{\"text\":\"\",\"lang\":\"de\",\"id\":\"a b\"}");
        assertThat(result.violations()).extracting(Violation::reason)
                .containsExactlyInAnyOrder(Reason.BLANK_TEXT, Reason.UNKNOWN_LANG, Reason.INVALID_ID);
    }

    @Test
    void detailsNeverQuoteTheReviewText() {
        final String secret = "SECRET-REVIEW-CONTENT";
        final ItemResult result = check("{\"text\":\"" + secret + "\\u0001\",\"lang\":\"xx\"}");
        assertThat(result.violations()).allSatisfy(v -> assertThat(v.detail()).doesNotContain(secret));
    }

    @Test
    void hugeFieldNamesAreCutInTheViolation() {
        final ItemResult result = check("{\"text\":\"a\",\"" + "n".repeat(1000) + "\":1}");
        assertRejected(result, Reason.UNKNOWN_FIELD, "n".repeat(64) + "...");
    }
}
