package io.sentimentstreams.ingest.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentstreams.contracts.Reason;
import io.sentimentstreams.ingest.validation.RequestBodyReader.Format;
import io.sentimentstreams.ingest.validation.RequestBodyReader.ParsedBody;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestBodyReaderTest {

    private final RequestBodyReader reader = new RequestBodyReader(new ReviewValidator(new IngestLimits(100, 3, 1_000)));

    private ParsedBody read(final String body, final Format format) throws IOException {
        return reader.read(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), format);
    }

    @Test
    void singleObjectIsOneReviewNotABatch() throws IOException {
        final ParsedBody body = read("{\"text\":\"fine\"}", Format.JSON);
        assertThat(body.isValid()).isTrue();
        assertThat(body.batch()).isFalse();
        assertThat(body.valid()).hasSize(1);
    }

    @Test
    void arrayBatchKeepsOrder() throws IOException {
        final ParsedBody body = read("[{\"text\":\"a\",\"id\":\"1\"},{\"text\":\"b\",\"id\":\"2\"}]", Format.JSON);
        assertThat(body.batch()).isTrue();
        assertThat(body.valid()).extracting(ReviewInput::id).containsExactly("1", "2");
    }

    @Test
    void everyFailingItemOfABatchIsListedWithItsIndex() throws IOException {
        final ParsedBody body = read("[{\"text\":\"ok\"},{\"text\":\"\"},{\"text\":\"x\",\"lang\":\"fr\"}]", Format.JSON);
        assertThat(body.isValid()).isFalse();
        assertThat(body.violations()).extracting(Violation::index, Violation::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, Reason.BLANK_TEXT),
                        org.assertj.core.groups.Tuple.tuple(2, Reason.UNKNOWN_LANG));
    }

    @Test
    void syntaxErrorInsideABatchNamesTheItem() throws IOException {
        final ParsedBody body = read("[{\"text\":\"ok\"},{\"text\":", Format.JSON);
        assertThat(body.violations()).extracting(Violation::index, Violation::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, Reason.INVALID_JSON));
    }

    @Test
    void emptyBodyAndEmptyBatchAreRefused() throws IOException {
        assertThat(read("", Format.JSON).violations()).extracting(Violation::reason).containsExactly(Reason.INVALID_JSON);
        assertThat(read("[]", Format.JSON).violations()).extracting(Violation::reason).containsExactly(Reason.INVALID_TYPE);
        assertThat(read("\n\n", Format.NDJSON).violations()).extracting(Violation::reason)
                .containsExactly(Reason.INVALID_JSON);
    }

    @Test
    void tooManyItemsIsRefusedBeforeReadingTheRest() {
        assertThatThrownBy(() -> read("[{\"text\":\"a\"},{\"text\":\"a\"},{\"text\":\"a\"},{\"text\":\"a\"}]", Format.JSON))
                .isInstanceOf(BodyRejectedException.class)
                .satisfies(e -> assertThat(((BodyRejectedException) e).code())
                        .isEqualTo(BodyRejectedException.Code.TOO_MANY_ITEMS));
        assertThatThrownBy(() -> read("{\"text\":\"a\"}\n{\"text\":\"a\"}\n{\"text\":\"a\"}\n{\"text\":\"a\"}\n",
                Format.NDJSON)).isInstanceOf(BodyRejectedException.class);
    }

    @Test
    void bodyOverTheByteLimitIsRefusedAfterReadingAtMostOneByteMore() {
        final CountingStream endless = new CountingStream();
        assertThatThrownBy(() -> reader.read(endless, Format.JSON))
                .isInstanceOf(BodyRejectedException.class)
                .satisfies(e -> assertThat(((BodyRejectedException) e).code())
                        .isEqualTo(BodyRejectedException.Code.BODY_TOO_LARGE));
        assertThat(endless.served).isLessThanOrEqualTo(1_001);
    }

    @Test
    void ndjsonReportsEachBadLineAndSkipsBlankLines() throws IOException {
        final ParsedBody body = read("{\"text\":\"a\"}\r\n\n{\"text\":\n{\"text\":\"c\",\"x\":1}\n", Format.NDJSON);
        assertThat(body.items()).isEqualTo(3);
        assertThat(body.violations()).extracting(Violation::index, Violation::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, Reason.INVALID_JSON),
                        org.assertj.core.groups.Tuple.tuple(2, Reason.UNKNOWN_FIELD));
    }

    @Test
    void ndjsonWithoutTrailingNewlineReadsTheLastLine() throws IOException {
        assertThat(read("{\"text\":\"a\"}\n{\"text\":\"b\"}", Format.NDJSON).valid()).hasSize(2);
    }

    /** An endless JSON string that counts the bytes it served. */
    private static final class CountingStream extends InputStream {
        long served;

        @Override
        public int read() {
            served++;
            return served == 1 ? '[' : served == 2 ? '"' : 'a';
        }
    }
}
