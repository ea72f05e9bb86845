package io.sentimentstreams.ingest.validation;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.sentimentstreams.contracts.Reason;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an HTTP request body (one JSON review, a JSON array of reviews, or NDJSON with one review per
 * line) through a byte cap and the shared {@link ReviewValidator}, and returns the valid reviews plus
 * every violation, each with its item index; the whole body is refused with
 * {@link BodyRejectedException} once it passes the byte or item limit.
 */
public final class RequestBodyReader {

    /** How the body frames its reviews. */
    public enum Format {
        JSON,
        NDJSON
    }

    /** A fully read body: whether it was a batch, its valid reviews in order, and all violations. */
    public record ParsedBody(boolean batch, int items, List<ReviewInput> valid, List<Violation> violations) {

        public ParsedBody {
            valid = List.copyOf(valid);
            violations = List.copyOf(violations);
        }

        public boolean isValid() {
            return violations.isEmpty();
        }
    }

    private final ReviewValidator validator;

    public RequestBodyReader(final ReviewValidator validator) {
        this.validator = validator;
    }

    public ParsedBody read(final InputStream body, final Format format) throws IOException {
        final CappedInputStream capped = new CappedInputStream(body, validator.limits().maxBodyBytes());
        return format == Format.NDJSON ? readNdjson(capped) : readJson(capped);
    }

    private ParsedBody readJson(final InputStream in) throws IOException {
        final List<ReviewInput> valid = new ArrayList<>();
        final List<Violation> violations = new ArrayList<>();
        boolean batch = false;
        int index = 0;
        try (JsonParser parser = validator.parser(in)) {
            final JsonToken first = parser.nextToken();
            if (first == null) {
                violations.add(new Violation(null, null, Reason.INVALID_JSON, "empty body"));
                return new ParsedBody(false, 0, valid, violations);
            }
            if (first == JsonToken.START_ARRAY) {
                batch = true;
                for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                    if (index == validator.limits().maxBatchItems()) {
                        throw tooManyItems();
                    }
                    collect(validator.readItem(parser, index), valid, violations);
                    index++;
                }
                if (index == 0) {
                    violations.add(new Violation(null, null, Reason.INVALID_TYPE, "the batch is empty"));
                }
            } else {
                collect(validator.readItem(parser, null), valid, violations);
                index = 1;
            }
            if (parser.nextToken() != null) {
                violations.add(new Violation(null, null, Reason.INVALID_JSON,
                        "trailing content after the top-level JSON value (send a JSON array, or NDJSON with "
                                + "Content-Type application/x-ndjson, for several reviews)"));
            }
        } catch (JsonProcessingException e) {
            violations.add(ReviewValidator.syntaxViolation(batch ? Integer.valueOf(index) : null, e));
        }
        return new ParsedBody(batch, index, valid, violations);
    }

    private ParsedBody readNdjson(final InputStream raw) throws IOException {
        final List<ReviewInput> valid = new ArrayList<>();
        final List<Violation> violations = new ArrayList<>();
        final InputStream in = new BufferedInputStream(raw, 16 * 1024);
        final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
        int index = 0;
        boolean more = true;
        while (more) {
            line.reset();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                line.write(b);
            }
            more = b >= 0;
            final byte[] bytes = line.toByteArray();
            if (isBlank(bytes)) {
                continue;
            }
            if (index == validator.limits().maxBatchItems()) {
                throw tooManyItems();
            }
            collect(validator.validateDocument(bytes, index), valid, violations);
            index++;
        }
        if (index == 0) {
            violations.add(new Violation(null, null, Reason.INVALID_JSON, "empty body: no NDJSON lines"));
        }
        return new ParsedBody(true, index, valid, violations);
    }

    private BodyRejectedException tooManyItems() {
        return new BodyRejectedException(BodyRejectedException.Code.TOO_MANY_ITEMS,
                "more than " + validator.limits().maxBatchItems() + " reviews in one request");
    }

    private static void collect(final ItemResult item, final List<ReviewInput> valid, final List<Violation> violations) {
        if (item.isValid()) {
            valid.add(item.input());
        } else {
            violations.addAll(item.violations());
        }
    }

    /** True for an empty line or one of only JSON whitespace (a trailing CR included). */
    private static boolean isBlank(final byte[] bytes) {
        for (final byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
