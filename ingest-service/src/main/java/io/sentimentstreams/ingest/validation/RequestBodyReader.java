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

    /**
     * A fully read body: whether it was a batch, its valid reviews in order, all violations, the refused items
     * one by one (index, declared id, violations), and whether a violation concerns the body as a whole (an
     * empty body or batch, trailing content, or a JSON syntax error that ends the reading of an array), in
     * which case no item can be accepted on its own.
     */
    public record ParsedBody(boolean batch, int items, List<ReviewInput> valid, List<Violation> violations,
                             List<RefusedItem> refused, Violation bodyViolation) {

        public ParsedBody {
            valid = List.copyOf(valid);
            violations = List.copyOf(violations);
            refused = List.copyOf(refused);
        }

        public boolean isValid() {
            return violations.isEmpty();
        }

        public boolean bodyInvalid() {
            return bodyViolation != null;
        }
    }

    /** One invalid item: its index in the batch (null for a single review), its declared id if readable, why. */
    public record RefusedItem(Integer index, String id, List<Violation> violations) {

        public RefusedItem {
            violations = List.copyOf(violations);
        }

        public Violation first() {
            return violations.get(0);
        }
    }

    /** Collects one body's items as they are read. */
    private static final class Collected {
        final List<ReviewInput> valid = new ArrayList<>();
        final List<Violation> violations = new ArrayList<>();
        final List<RefusedItem> refused = new ArrayList<>();
        Violation bodyViolation;

        void item(final ItemResult item, final Integer index) {
            if (item.isValid()) {
                valid.add(item.input());
            } else {
                violations.addAll(item.violations());
                refused.add(new RefusedItem(index, item.declaredId(), item.violations()));
            }
        }

        void body(final Violation violation) {
            violations.add(violation);
            if (bodyViolation == null) {
                bodyViolation = violation;
            }
        }

        ParsedBody done(final boolean batch, final int items) {
            return new ParsedBody(batch, items, valid, violations, refused, bodyViolation);
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
        final Collected c = new Collected();
        boolean batch = false;
        int index = 0;
        try (JsonParser parser = validator.parser(in)) {
            final JsonToken first = parser.nextToken();
            if (first == null) {
                c.body(new Violation(null, null, Reason.INVALID_JSON, "empty body"));
                return c.done(false, 0);
            }
            if (first == JsonToken.START_ARRAY) {
                batch = true;
                for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                    admitItem(index);
                    c.item(validator.readItem(parser, index), index);
                    index++;
                }
                if (index == 0) {
                    c.body(new Violation(null, null, Reason.INVALID_TYPE, "the batch is empty"));
                }
            } else {
                c.item(validator.readItem(parser, null), null);
                index = 1;
            }
            if (parser.nextToken() != null) {
                c.body(new Violation(null, null, Reason.INVALID_JSON,
                        "trailing content after the top-level JSON value (send a JSON array, or NDJSON with "
                                + "Content-Type application/x-ndjson, for several reviews)"));
            }
        } catch (JsonProcessingException e) {
            // Past a syntax error the array's items cannot be told apart, so the body is refused as a whole.
            c.body(ReviewValidator.syntaxViolation(batch ? Integer.valueOf(index) : null, e));
        }
        return c.done(batch, index);
    }

    private ParsedBody readNdjson(final InputStream raw) throws IOException {
        final Collected c = new Collected();
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
            admitItem(index);
            c.item(validator.validateDocument(bytes, index), index);
            index++;
        }
        if (index == 0) {
            c.body(new Violation(null, null, Reason.INVALID_JSON, "empty body: no NDJSON lines"));
        }
        return c.done(true, index);
    }

    /** Refuses the whole body when the item at {@code index} (from 0) is one more than a request may carry. */
    private void admitItem(final int index) throws BodyRejectedException {
        if (index == validator.limits().maxBatchItems()) {
            throw new BodyRejectedException(BodyRejectedException.Code.TOO_MANY_ITEMS,
                    "more than " + validator.limits().maxBatchItems() + " reviews in one request");
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
