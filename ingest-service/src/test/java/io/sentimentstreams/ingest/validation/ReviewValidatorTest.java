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
        assertRejected(result, reason, field, "the document");
    }

    private static void assertRejected(final ItemResult result, final Reason reason, final String field,
            final String what) {
        assertThat(result.isValid()).as("expected a %s violation for %s", reason, what).isFalse();
        assertThat(result.violations()).as(what).anySatisfy(v -> {
            assertThat(v.reason()).isEqualTo(reason);
            assertThat(v.field()).isEqualTo(field);
        });
    }

    /** Each of {@code documents} alone is rejected with {@code reason} on {@code field}. */
    private void assertAllRejected(final Reason reason, final String field, final String... documents) {
        for (final String document : documents) {
            assertRejected(check(document), reason, field, document);
        }
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
        assertAllRejected(Reason.INVALID_JSON, null,
                "{\"text\": \"unterminated",
                "{\"text\":\"a\",}",
                "not json");
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
        assertAllRejected(Reason.INVALID_JSON, null,
                "{\"text\":NaN}",
                "{\"text\":\"x\",\"attributes\":{\"a\":Infinity}}",
                "{\"text\":-Infinity}");
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
        assertAllRejected(Reason.INVALID_TYPE, null,
                "[{\"text\":\"a\"}]",
                "\"just text\"",
                "42",
                "null");
    }

    @Test
    void wrongFieldTypesAreInvalidTypeWithTheField() {
        assertAllRejected(Reason.INVALID_TYPE, "text",
                "{\"text\":42}",
                "{\"text\":[\"a\"]}");
        assertRejected(check("{\"text\":\"a\",\"id\":7}"), Reason.INVALID_TYPE, "id");
        assertRejected(check("{\"text\":\"a\",\"lang\":true}"), Reason.INVALID_TYPE, "lang");
        assertRejected(check("{\"text\":\"a\",\"source\":{}}"), Reason.INVALID_TYPE, "source");
    }

    @Test
    void missingNullEmptyAndWhitespaceTextAreBlankText() {
        assertAllRejected(Reason.BLANK_TEXT, "text",
                "{\"id\":\"x\"}",
                "{\"text\":null}",
                "{\"text\":\"\"}",
                "{\"text\":\" \\n\\t \"}");
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
        assertAllRejected(Reason.INVALID_TEXT, "text",
                "{\"text\":\"nul \\u0000 here\"}",
                "{\"text\":\"bell \\u0007\"}",
                "{\"text\":\"del \\u007f\"}",
                "{\"text\":\"lone \\ud800 high\"}",
                "{\"text\":\"lone \\udc00 low\"}");
    }

    @Test
    void idsThatAreTooLongEmptyOrNotPrintableAreInvalidId() {
        assertThat(check("{\"text\":\"a\",\"id\":\"" + "x".repeat(128) + "\"}").isValid()).isTrue();
        assertAllRejected(Reason.INVALID_ID, "id",
                "{\"text\":\"a\",\"id\":\"" + "x".repeat(129) + "\"}",
                "{\"text\":\"a\",\"id\":\"\"}",
                "{\"text\":\"a\",\"id\":\"has space\"}",
                "{\"text\":\"a\",\"id\":\"tab\\there\"}",
                "{\"text\":\"a\",\"id\":\"nul\\u0000\"}",
                "{\"text\":\"a\",\"id\":\"zw\\u200bsp\"}",
                "{\"text\":\"a\",\"id\":\"\\ud800\"}");
    }

    @Test
    void unknownLanguagesAreRejectedAndOnlyLowerCaseEnKoPass() {
        assertThat(check("{\"text\":\"a\",\"lang\":\"ko\"}").isValid()).isTrue();
        assertAllRejected(Reason.UNKNOWN_LANG, "lang",
                "{\"text\":\"a\",\"lang\":\"fr\"}",
                "{\"text\":\"a\",\"lang\":\"EN\"}",
                "{\"text\":\"a\",\"lang\":\"\"}");
        assertThat(check("{\"text\":\"a\",\"lang\":\"fr\"}").violations()).singleElement()
                .satisfies(v -> assertThat(v.detail()).isEqualTo("lang must be \"en\", \"ko\" or absent (auto-detect)"));
    }

    @Test
    void sourcesThatAreTooLongOrNotPrintableAreInvalidSource() {
        assertAllRejected(Reason.INVALID_SOURCE, "source",
                "{\"text\":\"a\",\"source\":\"" + "s".repeat(129) + "\"}",
                "{\"text\":\"a\",\"source\":\"line\\nbreak\"}",
                "{\"text\":\"a\",\"source\":\"   \"}");
    }

    @Test
    void attributesMustBeASmallMapOfPrintableKeysToStrings() {
        assertAllRejected(Reason.INVALID_ATTRIBUTES, "attributes",
                "{\"text\":\"a\",\"attributes\":[]}",
                "{\"text\":\"a\",\"attributes\":\"k=v\"}",
                "{\"text\":\"a\",\"attributes\":{\"n\":1}}",
                "{\"text\":\"a\",\"attributes\":{\"n\":null}}",
                "{\"text\":\"a\",\"attributes\":{\"nested\":{\"x\":\"y\"}}}",
                "{\"text\":\"a\",\"attributes\":{\"bad key\":\"v\"}}",
                "{\"text\":\"a\",\"attributes\":{\"\":\"v\"}}",
                "{\"text\":\"a\",\"attributes\":{\"k\":\"" + "v".repeat(1025) + "\"}}",
                "{\"text\":\"a\",\"attributes\":{\"k\":\"nul\\u0000\"}}");
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
