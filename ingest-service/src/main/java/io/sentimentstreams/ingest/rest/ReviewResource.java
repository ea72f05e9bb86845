package io.sentimentstreams.ingest.rest;

import io.sentimentstreams.contracts.Review;
import io.sentimentstreams.ingest.config.IngestConfig;
import io.sentimentstreams.ingest.kafka.RawWriter;
import io.sentimentstreams.ingest.kafka.WriteFailedException;
import io.sentimentstreams.ingest.metrics.IngestMetrics;
import io.sentimentstreams.ingest.validation.BodyRejectedException;
import io.sentimentstreams.ingest.validation.RequestBodyReader;
import io.sentimentstreams.ingest.validation.RequestBodyReader.ParsedBody;
import io.sentimentstreams.ingest.validation.ReviewInput;
import io.sentimentstreams.ingest.validation.ReviewValidator;
import io.sentimentstreams.ingest.validation.Violation;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.logging.Logger;

/**
 * POST /reviews: one JSON review, a JSON array or NDJSON in; the valid items are committed to reviews.raw in
 * one transaction and answered 202 with their ids and the refused items each with its reason (per-item bulk),
 * or, with {@code ?atomic=true}, all of them or none; a request with nothing to accept gets a problem body.
 */
@Path(ReviewResource.PATH)
public class ReviewResource {

    public static final String PATH = "/reviews";
    public static final String NDJSON = "application/x-ndjson";
    static final String ATOMIC = "atomic";

    private static final Logger LOG = Logger.getLogger(ReviewResource.class);
    private static final Set<String> JSON_TYPES = Set.of("application/json", "text/json");
    private static final Set<String> NDJSON_TYPES = Set.of(NDJSON, "application/jsonl", "application/x-jsonlines");

    private final RequestBodyReader reader;
    private final RawWriter writer;
    private final IngestMetrics metrics;
    private final Semaphore inFlight;
    private final long admissionMillis;
    private final int retryAfter;

    public ReviewResource(final IngestConfig config, final RawWriter writer, final IngestMetrics metrics) {
        this.reader = new RequestBodyReader(new ReviewValidator(config.limits()));
        this.writer = writer;
        this.metrics = metrics;
        this.inFlight = new Semaphore(Math.max(1, config.http().maxInFlight()), true);
        this.admissionMillis = config.http().admissionTimeout().toMillis();
        this.retryAfter = config.http().retryAfterSeconds();
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Submit reviews",
            description = "One review object, a JSON array of up to sentiment.ingest.max-batch-items reviews, or "
                    + "NDJSON (one review per line). By default each item is judged on its own: the valid ones are "
                    + "committed to reviews.raw in one transaction before the 202, which lists their ids and every "
                    + "refused item with its index, id, reason code and detail. With atomic=true the request is "
                    + "accepted or refused as a whole. A body that cannot be read item by item (malformed JSON "
                    + "in an array, trailing content, an empty batch) is refused as a whole in both modes.")
    @RequestBody(required = true, content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(oneOf = {ReviewEnvelope.class,
                    ReviewEnvelope[].class})),
            @Content(mediaType = NDJSON, schema = @Schema(type = SchemaType.STRING,
                    description = "One ReviewEnvelope JSON object per line"))})
    @APIResponse(responseCode = "202", description = "The valid reviews written to reviews.raw (all of them with "
            + "atomic=true); rejected lists the refused items",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Accepted.class)))
    @APIResponse(responseCode = "400", description = "Nothing accepted: every item invalid, the body as a whole "
            + "invalid, or (atomic=true) any item invalid; errors lists every violation and rejected each refused "
            + "item. Also atomic with a value other than true or false (INVALID_PARAMETER)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "API key required and missing or wrong",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "Body over sentiment.ingest.max-body-bytes (BODY_TOO_LARGE) or "
            + "more than sentiment.ingest.max-batch-items reviews (TOO_MANY_ITEMS)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "Content-Type is neither JSON nor NDJSON",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "Too many requests in flight; retry after Retry-After seconds",
            headers = @Header(name = "Retry-After", schema = @Schema(type = SchemaType.INTEGER)),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Kafka did not acknowledge in time; nothing was accepted",
            headers = @Header(name = "Retry-After", schema = @Schema(type = SchemaType.INTEGER)),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response submit(@HeaderParam(HttpHeaders.CONTENT_TYPE) final String contentType,
                           @Parameter(name = ATOMIC, in = ParameterIn.QUERY, description = "true: accept the "
                                   + "request only as a whole (any invalid item refuses all); false or absent: accept "
                                   + "the valid items, refuse the others one by one; any other value (also an empty "
                                   + "or repeated one) is refused with INVALID_PARAMETER",
                                   schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false"))
                           @Context final UriInfo uri,
                           final InputStream body) {
        final long start = System.nanoTime();
        // Read from the query itself, not through @QueryParam, which cannot tell an empty atomic= from no atomic.
        final List<String> atomicValues = uri.getQueryParameters().get(ATOMIC);
        final Boolean atomic = flag(atomicValues);
        if (atomic == null) {
            return finish(start, new Outcome(Problem.of(400, "INVALID_PARAMETER", "query parameter atomic must be "
                    + "true or false, not " + atomicValues.stream().map(v -> "'" + v + "'")
                    .collect(Collectors.joining(" and "))).toResponse(), "INVALID_PARAMETER"));
        }
        final RequestBodyReader.Format format = format(contentType);
        if (format == null) {
            return finish(start, new Outcome(Problem.of(415, "UNSUPPORTED_MEDIA_TYPE", "send application/json (one "
                    + "review or an array) or " + NDJSON + " (one review per line)").toResponse(), "UNSUPPORTED_MEDIA_TYPE"));
        }
        if (!admit()) {
            final boolean broker = writer.brokerTrouble();
            final String code = broker ? "BROKER_UNAVAILABLE" : "OVERLOADED";
            return finish(start, new Outcome(Problem.of(broker ? 503 : 429, code, broker
                    ? "Kafka is not acknowledging writes; retry later"
                    : "too many requests in flight; retry later").toResponse(retryAfter), code));
        }
        try {
            return finish(start, handle(body, format, atomic));
        } finally {
            inFlight.release();
        }
    }

    /** A response and the problem code it carries ("none" for 202), for the latency metric. */
    private record Outcome(Response response, String code) {
    }

    private Outcome handle(final InputStream body, final RequestBodyReader.Format format, final boolean atomic) {
        final ParsedBody parsed;
        try {
            parsed = reader.read(body, format);
        } catch (BodyRejectedException e) {
            metrics.rejected(IngestMetrics.CHANNEL_HTTP, e.code().name());
            return new Outcome(Problem.of(413, e.code().name(), e.getMessage()).toResponse(), e.code().name());
        } catch (IOException e) {
            LOG.debugf("could not read a request body: %s", e.getMessage());
            return new Outcome(Problem.of(400, "UNREADABLE_BODY", "the request body could not be read").toResponse(),
                    "UNREADABLE_BODY");
        }
        metrics.batchSize(IngestMetrics.CHANNEL_HTTP, parsed.items());
        final boolean wholeRequest = atomic || parsed.bodyInvalid();
        if (!parsed.isValid() && (wholeRequest || parsed.valid().isEmpty())) {
            countRejections(parsed, wholeRequest);
            final Problem problem = Problem.invalid(parsed, wholeRequest);
            return new Outcome(problem.toResponse(), problem.reason());
        }
        final Instant receivedAt = Instant.now();
        final List<Review> reviews = new ArrayList<>(parsed.valid().size());
        for (final ReviewInput input : parsed.valid()) {
            reviews.add(input.toReview(receivedAt));
        }
        try {
            writer.write(reviews);
        } catch (WriteFailedException e) {
            final boolean busy = e.kind() == WriteFailedException.Cause.BUSY;
            final String code = busy ? "OVERLOADED" : "BROKER_UNAVAILABLE";
            return new Outcome(Problem.of(busy ? 429 : 503, code,
                    (busy ? "all producers are busy" : "Kafka did not acknowledge the write in time")
                            + "; nothing was accepted, retry later").toResponse(retryAfter), code);
        }
        metrics.accepted(IngestMetrics.CHANNEL_HTTP, reviews.size());
        // Counted only once the accepted items are committed: on a 503 the caller retries the whole request.
        countRejections(parsed, false);
        return new Outcome(Response.accepted(new Accepted(reviews.size(), reviews.stream().map(Review::id).toList(),
                Rejected.of(parsed.refused()))).type(MediaType.APPLICATION_JSON).build(), "none");
    }

    private boolean admit() {
        try {
            return inFlight.tryAcquire(admissionMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * One rejected review per failing item (first reason), plus, when the request was refused as a whole, its
     * valid items as BATCH_REFUSED.
     */
    private void countRejections(final ParsedBody parsed, final boolean wholeRequest) {
        final Set<Integer> seen = new HashSet<>();
        for (final Violation v : parsed.violations()) {
            if (seen.add(v.index())) {
                metrics.rejected(IngestMetrics.CHANNEL_HTTP, v.reason().name());
            }
        }
        if (wholeRequest) {
            for (int i = 0; i < parsed.valid().size(); i++) {
                metrics.rejected(IngestMetrics.CHANNEL_HTTP, "BATCH_REFUSED");
            }
        }
    }

    private Response finish(final long start, final Outcome outcome) {
        final int status = outcome.response().getStatus();
        metrics.request(status, outcome.code(), System.nanoTime() - start);
        if (status != 202) {
            // codes only: the text of a review never goes to the log
            LOG.debugf("refused POST /reviews: %d %s", status, outcome.code());
        }
        return outcome.response();
    }

    /**
     * The atomic flag: absent is false, one exactly "true" or "false" as said, null for anything else, because a
     * lenient reading (atomic=1 as false) would turn an all-or-nothing request into a partial write.
     */
    static Boolean flag(final List<String> values) {
        if (values == null || values.isEmpty()) {
            return Boolean.FALSE;
        }
        if (values.size() > 1) {
            return null;
        }
        final String value = values.get(0);
        return value.equals("true") ? Boolean.TRUE : value.equals("false") ? Boolean.FALSE : null;
    }

    /** JSON (also when no Content-Type is sent) or NDJSON; null for anything else. */
    static RequestBodyReader.Format format(final String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return RequestBodyReader.Format.JSON;
        }
        final int semicolon = contentType.indexOf(';');
        final String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .strip().toLowerCase(Locale.ROOT);
        if (JSON_TYPES.contains(type) || type.endsWith("+json")) {
            return RequestBodyReader.Format.JSON;
        }
        return NDJSON_TYPES.contains(type) ? RequestBodyReader.Format.NDJSON : null;
    }
}
