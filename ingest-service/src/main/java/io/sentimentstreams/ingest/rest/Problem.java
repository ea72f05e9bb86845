package io.sentimentstreams.ingest.rest;

import io.sentimentstreams.ingest.validation.RequestBodyReader.ParsedBody;
import io.sentimentstreams.ingest.validation.Violation;
import io.sentimentstreams.json.Json;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An RFC 7807 problem body ({@code application/problem+json}): type, title, status, detail, plus the
 * machine-readable {@code reason} code and the {@code field}/{@code index} of the first error, in
 * {@code errors} every violation of the request, and for a batch in {@code rejected} each refused item once.
 */
public record Problem(String type, String title, int status, String detail, String reason, String field,
                      Integer index, List<Item> errors, List<Rejected> rejected) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_PREFIX = "urn:sentiment-streams:problem:";

    /** One failing item: its index in the batch (absent for a single review), field, reason code, detail. */
    public record Item(Integer index, String field, String reason, String detail) {
    }

    private static final Map<String, String> TITLES = Map.ofEntries(
            Map.entry("INVALID_JSON", "Malformed JSON"),
            Map.entry("INVALID_TYPE", "Wrong JSON type"),
            Map.entry("BLANK_TEXT", "Review text is missing or blank"),
            Map.entry("TEXT_TOO_LONG", "Review text is too long"),
            Map.entry("INVALID_TEXT", "Review text contains characters that are not allowed"),
            Map.entry("INVALID_ID", "Invalid review id"),
            Map.entry("UNKNOWN_LANG", "Unsupported language"),
            Map.entry("INVALID_ATTRIBUTES", "Invalid attributes"),
            Map.entry("INVALID_SOURCE", "Invalid source"),
            Map.entry("UNKNOWN_FIELD", "Unknown field"),
            Map.entry("BODY_TOO_LARGE", "Request body too large"),
            Map.entry("TOO_MANY_ITEMS", "Too many reviews in one request"),
            Map.entry("UNSUPPORTED_MEDIA_TYPE", "Unsupported content type"),
            Map.entry("INVALID_PARAMETER", "Invalid query parameter"),
            Map.entry("UNAUTHORIZED", "Missing or wrong API key"),
            Map.entry("OVERLOADED", "Too many requests in flight"),
            Map.entry("BROKER_UNAVAILABLE", "Kafka is unavailable; nothing was accepted"),
            Map.entry("TOO_MANY_STREAMS", "Too many live streams open"),
            Map.entry("UNREADABLE_BODY", "The request body could not be read"),
            Map.entry("NOT_FOUND", "Unknown review id"),
            Map.entry("RESULTS_UNAVAILABLE", "Results cannot be read right now"));

    /** A problem about the request as a whole (no per-item errors). */
    public static Problem of(final int status, final String code, final String detail) {
        return new Problem(type(code), title(code), status, detail, code, null, null, List.of(), null);
    }

    /**
     * A 400 listing every violation; the top-level reason/field/index are those of the first. {@code wholeRequest}
     * says why nothing was accepted: the request was atomic or its body as a whole is invalid (true), or every
     * item was refused on its own (false).
     */
    public static Problem invalid(final ParsedBody parsed, final boolean wholeRequest) {
        final List<Violation> violations = parsed.violations();
        final Violation first = violations.get(0);
        final List<Item> errors = violations.stream()
                .map(v -> new Item(v.index(), v.field(), v.reason().name(), v.detail()))
                .toList();
        final long failingItems = violations.stream().map(Violation::index).distinct().count();
        final String detail;
        if (!parsed.batch()) {
            detail = first.detail();
        } else if (parsed.bodyInvalid()) {
            detail = "the body cannot be read item by item, so the request was refused as a whole and nothing was "
                    + "accepted: " + parsed.bodyViolation().detail();
        } else if (wholeRequest) {
            detail = failingItems + " of " + parsed.items() + " items are invalid; the request was refused as a whole "
                    + "and nothing was accepted. First: " + first.detail();
        } else {
            detail = "all " + parsed.items() + " items are invalid; nothing was accepted. First: " + first.detail();
        }
        final String code = first.reason().name();
        return new Problem(type(code), title(code), 400, detail, code, first.field(), first.index(), errors,
                parsed.batch() ? Rejected.of(parsed.refused()) : null);
    }

    public Response toResponse() {
        return Response.status(status).type(MEDIA_TYPE).entity(Json.write(this)).build();
    }

    /** The response with a Retry-After header, for 429 and 503. */
    public Response toResponse(final int retryAfterSeconds) {
        return Response.status(status).type(MEDIA_TYPE).header("Retry-After", retryAfterSeconds)
                .entity(Json.write(this)).build();
    }

    static String type(final String code) {
        return TYPE_PREFIX + code.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static String title(final String code) {
        return TITLES.getOrDefault(code, code);
    }
}
