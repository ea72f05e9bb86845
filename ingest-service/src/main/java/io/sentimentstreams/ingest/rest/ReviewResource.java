package io.sentimentstreams.ingest.rest;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.sentimentstreams.contracts.Review;
import io.sentimentstreams.ingest.config.IngestConfig;
import io.sentimentstreams.ingest.kafka.RawWriter;
import io.sentimentstreams.ingest.kafka.WriteFailedException;
import io.sentimentstreams.ingest.metrics.IngestMetrics;
import io.sentimentstreams.ingest.results.Lookup;
import io.sentimentstreams.ingest.results.ResultLookups;
import io.sentimentstreams.ingest.results.ResultWaiter;
import io.sentimentstreams.ingest.results.ReviewResult;
import io.sentimentstreams.ingest.validation.BodyRejectedException;
import io.sentimentstreams.ingest.validation.RequestBodyReader;
import io.sentimentstreams.ingest.validation.RequestBodyReader.ParsedBody;
import io.sentimentstreams.ingest.validation.ReviewInput;
import io.sentimentstreams.ingest.validation.ReviewValidator;
import io.sentimentstreams.ingest.validation.Violation;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.tracing.RecordTracing;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
    static final String WAIT = "wait";

    private static final Logger LOG = Logger.getLogger(ReviewResource.class);
    static final String VALIDATE_SPAN = "ingest validate";
    static final String WRITE_SPAN = "ingest write";
    private static final AttributeKey<Long> ITEMS = AttributeKey.longKey("sentiment.items");
    private static final AttributeKey<Long> REFUSED = AttributeKey.longKey("sentiment.items.refused");
    private static final Set<String> JSON_TYPES = Set.of("application/json", "text/json");
    private static final Set<String> NDJSON_TYPES = Set.of(NDJSON, "application/jsonl", "application/x-jsonlines");

    private final RequestBodyReader reader;
    private final RawWriter writer;
    private final IngestMetrics metrics;
    private final Semaphore inFlight;
    private final long admissionMillis;
    private final int retryAfter;
    private final ResultLookups lookups;
    private final ResultWaiter waiter;
    private final Duration maxWait;
    private final int resultsRetryAfter;
    private final RecordTracing tracing;

    public ReviewResource(final IngestConfig config, final RawWriter writer, final IngestMetrics metrics,
                          final ResultLookups lookups, final ResultWaiter waiter, final RecordTracing tracing) {
        this.tracing = tracing;
        this.reader = new RequestBodyReader(new ReviewValidator(config.limits()));
        this.writer = writer;
        this.metrics = metrics;
        this.lookups = lookups;
        this.waiter = waiter;
        this.maxWait = config.results().maxWait();
        this.resultsRetryAfter = config.results().retryAfterSeconds();
        this.inFlight = new Semaphore(Math.max(1, config.http().maxInFlight()), true);
        this.admissionMillis = config.http().admissionTimeout().toMillis();
        this.retryAfter = config.http().retryAfterSeconds();
    }

    @POST
    @Blocking
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Submit reviews",
            description = "One review object, a JSON array of up to sentiment.ingest.max-batch-items reviews, or "
                    + "NDJSON (one review per line). By default each item is judged on its own: the valid ones are "
                    + "committed to reviews.raw in one transaction before the 202, which lists their ids and every "
                    + "refused item with its index, id, reason code and detail. With atomic=true the request is "
                    + "accepted or refused as a whole. A body that cannot be read item by item (malformed JSON "
                    + "in an array, trailing content, an empty batch) is refused as a whole in both modes. duplicates "
                    + "lists the accepted ids the results store already knew (best effort). With wait=<ISO-8601 "
                    + "duration> the answer is 200 with each accepted item's result once all are LABELED or "
                    + "DEAD_LETTERED or the wait (capped by sentiment.ingest.results.max-wait) ends; items not done "
                    + "by then are PENDING. The wait starts after the commit and holds no transaction or thread.")
    @RequestBody(required = true, content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(oneOf = {ReviewEnvelope.class,
                    ReviewEnvelope[].class})),
            @Content(mediaType = NDJSON, schema = @Schema(type = SchemaType.STRING,
                    description = "One ReviewEnvelope JSON object per line"))})
    @APIResponse(responseCode = "202", description = "The valid reviews written to reviews.raw (all of them with "
            + "atomic=true); rejected lists the refused items",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Accepted.class)))
    @APIResponse(responseCode = "200", description = "With wait: as 202, plus results, the result of each accepted "
            + "item in the order of ids (PENDING for those not done when the wait ended)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Accepted.class)))
    @APIResponse(responseCode = "400", description = "Nothing accepted: every item invalid, the body as a whole "
            + "invalid, or (atomic=true) any item invalid; errors lists every violation and rejected each refused "
            + "item. Also atomic with a value other than true or false, or wait that is not one non-negative "
            + "ISO-8601 duration (INVALID_PARAMETER)",
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
    @Parameter(name = ATOMIC, in = ParameterIn.QUERY, description = "true: accept the "
            + "request only as a whole (any invalid item refuses all); false or absent: accept "
            + "the valid items, refuse the others one by one; any other value (also an empty "
            + "or repeated one) is refused with INVALID_PARAMETER",
            schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false"))
    @Parameter(name = WAIT, in = ParameterIn.QUERY, description = "ISO-8601 duration (PT2S): "
            + "after the commit, wait up to this long (at most sentiment.ingest.results.max-wait) "
            + "for the accepted items' results and answer 200 with them; absent: 202 at once",
            schema = @Schema(type = SchemaType.STRING, example = "PT2S"))
    @Parameter(name = RecordTracing.TRACEPARENT, in = ParameterIn.HEADER, description = "W3C trace context: with "
            + "tracing on, the request's reviews continue this trace through every service (absent: a new trace); "
            + "each record in reviews.raw, reviews.labeled and reviews.dlq carries it in its traceparent header",
            schema = @Schema(type = SchemaType.STRING, example = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
    public CompletionStage<Response> submit(@HeaderParam(HttpHeaders.CONTENT_TYPE) final String contentType,
                           @HeaderParam(RequestGuard.API_KEY_HEADER) final String apiKey,
                           @Context final UriInfo uri,
                           final InputStream body) {
        final long start = System.nanoTime();
        // Read from the query itself, not through @QueryParam, which cannot tell an empty atomic= from no atomic.
        final List<String> atomicValues = uri.getQueryParameters().get(ATOMIC);
        final Boolean atomic = flag(atomicValues);
        if (atomic == null) {
            return done(finish(start, new Outcome(Problem.of(400, "INVALID_PARAMETER", "query parameter atomic must be "
                    + "true or false, not " + quoted(atomicValues)).toResponse(), "INVALID_PARAMETER")));
        }
        final List<String> waitValues = uri.getQueryParameters().get(WAIT);
        final Duration wait;
        try {
            wait = waitFor(waitValues, maxWait);
        } catch (IllegalArgumentException e) {
            return done(finish(start, new Outcome(Problem.of(400, "INVALID_PARAMETER", "query parameter wait must be "
                    + "one non-negative ISO-8601 duration such as PT2S, not " + quoted(waitValues)).toResponse(),
                    "INVALID_PARAMETER")));
        }
        final RequestBodyReader.Format format = format(contentType);
        if (format == null) {
            return done(finish(start, new Outcome(Problem.of(415, "UNSUPPORTED_MEDIA_TYPE", "send application/json "
                    + "(one review or an array) or " + NDJSON + " (one review per line)").toResponse(),
                    "UNSUPPORTED_MEDIA_TYPE")));
        }
        if (!admit()) {
            final boolean broker = writer.brokerTrouble();
            final String code = broker ? "BROKER_UNAVAILABLE" : "OVERLOADED";
            return done(finish(start, new Outcome(Problem.of(broker ? 503 : 429, code, broker
                    ? "Kafka is not acknowledging writes; retry later"
                    : "too many requests in flight; retry later").toResponse(retryAfter), code)));
        }
        final Written written;
        try {
            written = handle(body, format, atomic, apiKey);
        } finally {
            // A waiting request has committed: it holds neither a slot nor a thread while it waits.
            inFlight.release();
        }
        if (written.reviews() == null) {
            return done(finish(start, written.refused()));
        }
        return written.known().thenCompose(duplicates -> {
            final Accepted accepted = new Accepted(written.reviews().size(), written.ids(), List.copyOf(duplicates),
                    written.rejected(), null);
            if (wait == null) {
                return done(finish(start, new Outcome(json(Response.accepted(), accepted), "none")));
            }
            return waiter.await(written.ids(), written.receivedAt(), wait, apiKey).thenApply(results -> finish(start,
                    new Outcome(json(Response.ok(), accepted.withResults(results)), "none")));
        });
    }

    /** A response and the problem code it carries ("none" for 202), for the latency metric. */
    private record Outcome(Response response, String code) {
    }

    /**
     * What a request came to: refused (a problem response), or the reviews committed, their ids, the refused items,
     * and the ids the store knew when the request arrived (asked before the write, answered asynchronously).
     */
    private record Written(Outcome refused, List<Review> reviews, List<String> ids, List<Rejected> rejected,
                           Instant receivedAt, CompletionStage<Set<String>> known) {

        static Written refused(final Outcome outcome) {
            return new Written(outcome, null, null, null, null, null);
        }
    }

    @GET
    @Path("{id}")
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Get the result of a review",
            description = "PENDING while the review is on its way, LABELED with label, score, model and model "
                    + "version, or DEAD_LETTERED with the stage, reason code and detail of the stage that refused it. "
                    + "Ids are remembered for sentiment.ingest.results.retention (default 24 h) after they were first "
                    + "seen. With several ingest instances any of them answers: a lookup of an id whose partition "
                    + "another instance owns is forwarded to it; the " + ResultLookups.ANSWERED_BY + " header names "
                    + "the instance that answered.")
    @APIResponse(responseCode = "200", description = "The review's result",
            headers = @Header(name = ResultLookups.ANSWERED_BY, description = "host:port of the instance whose store "
                    + "answered", schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ReviewResult.class)))
    @APIResponse(responseCode = "401", description = "API key required and missing or wrong",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No review with this id was seen within the retention (NOT_FOUND)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The results store is rebalancing or restoring, or the instance "
            + "owning the id did not answer (RESULTS_UNAVAILABLE); retry after Retry-After seconds",
            headers = @Header(name = "Retry-After", schema = @Schema(type = SchemaType.INTEGER)),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CompletionStage<Response> result(@PathParam("id") final String id,
                                            @HeaderParam(RequestGuard.API_KEY_HEADER) final String apiKey) {
        return lookups.lookup(id, apiKey).thenApply(answer -> {
            final Response.ResponseBuilder response;
            if (answer.lookup() instanceof Lookup.Found f) {
                response = Response.fromResponse(json(Response.ok(), f.result()));
            } else if (answer.lookup() instanceof Lookup.Unavailable u) {
                response = Response.fromResponse(Problem.of(503, "RESULTS_UNAVAILABLE", u.why() + "; retry later")
                        .toResponse(resultsRetryAfter));
            } else {
                response = Response.fromResponse(Problem.of(404, "NOT_FOUND", "no review with this id was seen "
                        + "within the results retention").toResponse());
            }
            return response.header(ResultLookups.ANSWERED_BY, answer.answeredBy()).build();
        });
    }

    private Written handle(final InputStream body, final RequestBodyReader.Format format, final boolean atomic,
                           final String apiKey) {
        final ParsedBody parsed;
        // Under the HTTP server span Quarkus opened from the request's traceparent (or as a new root).
        final Span validate = tracing.startChild(VALIDATE_SPAN);
        try {
            parsed = reader.read(body, format);
            validate.setAttribute(ITEMS, (long) parsed.items());
            validate.setAttribute(REFUSED, (long) parsed.refused().size());
        } catch (BodyRejectedException e) {
            metrics.rejected(IngestMetrics.CHANNEL_HTTP, e.code().name());
            validate.setAttribute(RecordTracing.OUTCOME, e.code().name());
            return Written.refused(new Outcome(Problem.of(413, e.code().name(), e.getMessage()).toResponse(),
                    e.code().name()));
        } catch (IOException e) {
            LOG.debugf("could not read a request body: %s", e.getMessage());
            validate.setAttribute(RecordTracing.OUTCOME, "UNREADABLE_BODY");
            return Written.refused(new Outcome(Problem.of(400, "UNREADABLE_BODY", "the request body could not be "
                    + "read").toResponse(), "UNREADABLE_BODY"));
        } finally {
            validate.end();
        }
        metrics.batchSize(IngestMetrics.CHANNEL_HTTP, parsed.items());
        final boolean wholeRequest = atomic || parsed.bodyInvalid();
        if (!parsed.isValid() && (wholeRequest || parsed.valid().isEmpty())) {
            countRejections(parsed, wholeRequest);
            final Problem problem = Problem.invalid(parsed, wholeRequest);
            return Written.refused(new Outcome(problem.toResponse(), problem.reason()));
        }
        final Instant receivedAt = Instant.now();
        final List<Review> reviews = new ArrayList<>(parsed.valid().size());
        for (final ReviewInput input : parsed.valid()) {
            reviews.add(input.toReview(receivedAt));
        }
        final List<String> ids = reviews.stream().map(Review::id).toList();
        // Asked before the write, so that the answer is about earlier requests (our own PENDING is told apart by
        // receivedAt); a retry racing its original may be missed here and is still dropped by preprocess-service.
        final CompletionStage<Set<String>> known = lookups.known(ids, receivedAt, apiKey)
                .exceptionally(e -> Set.of());
        // The write span is current while the records are made, so each carries it in its traceparent header.
        final Span write = tracing.startChild(WRITE_SPAN);
        try (Scope ignored = write.makeCurrent()) {
            write.setAttribute(ITEMS, (long) reviews.size());
            writer.write(reviews);
        } catch (WriteFailedException e) {
            write.setAttribute(RecordTracing.OUTCOME, e.kind().name());
            final boolean busy = e.kind() == WriteFailedException.Cause.BUSY;
            final String code = busy ? "OVERLOADED" : "BROKER_UNAVAILABLE";
            return Written.refused(new Outcome(Problem.of(busy ? 429 : 503, code,
                    (busy ? "all producers are busy" : "Kafka did not acknowledge the write in time")
                            + "; nothing was accepted, retry later").toResponse(retryAfter), code));
        } finally {
            write.end();
        }
        metrics.accepted(IngestMetrics.CHANNEL_HTTP, reviews.size());
        // Counted only once the accepted items are committed: on a 503 the caller retries the whole request.
        countRejections(parsed, false);
        return new Written(null, reviews, ids, Rejected.of(parsed.refused()), receivedAt, known);
    }

    private static Response json(final Response.ResponseBuilder builder, final Object entity) {
        // the shared mapper, which leaves out absent fields
        return builder.type(MediaType.APPLICATION_JSON).entity(Json.write(entity)).build();
    }

    private static CompletionStage<Response> done(final Response response) {
        return CompletableFuture.completedFuture(response);
    }

    private static String quoted(final List<String> values) {
        return values.stream().map(v -> "'" + v + "'").collect(Collectors.joining(" and "));
    }

    /**
     * The wait asked for, cut to {@code max}; null when absent. One ISO-8601 duration, not negative, else an
     * IllegalArgumentException: a lenient reading would answer 202 to a caller who expects results.
     */
    static Duration waitFor(final List<String> values, final Duration max) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new IllegalArgumentException("repeated");
        }
        final Duration wait;
        try {
            wait = Duration.parse(values.get(0));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(e);
        }
        if (wait.isNegative()) {
            throw new IllegalArgumentException("negative");
        }
        return wait.compareTo(max) > 0 ? max : wait;
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
        if (status >= 300) {
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
