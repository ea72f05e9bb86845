package io.sentimentstreams.ingest.live;

import io.quarkus.vertx.web.Route;
import io.sentimentstreams.ingest.rest.ApiKeys;
import io.sentimentstreams.ingest.rest.Problem;
import io.sentimentstreams.ingest.rest.RequestGuard;
import io.sentimentstreams.json.Json;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameters;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /reviews/stream}: the optional {@code lang}/{@code label} filters in, a Server-Sent Events stream of
 * labeled results out, one event per result committed to {@code reviews.labeled} after the client connected
 * ({@code id:} the review id, {@code data:} the LabeledReview JSON), a heartbeat comment every
 * {@code sentiment.ingest.live.heartbeat}, and {@code event: overflow} as the last event for a client that fell
 * behind. A Vert.x route rather than a JAX-RS method because the bounded buffer needs the connection's write
 * completions and the power to close it.
 */
@ApplicationScoped
public class LiveStreamRoute {

    public static final String PATH = "/reviews/stream";
    public static final String EVENT_STREAM = "text/event-stream";
    private static final int RETRY_AFTER_SECONDS = 5;

    private final LiveFeed feed;
    private final LiveConfig config;
    private final LiveMetrics metrics;
    private final ApiKeys apiKeys;
    private final Vertx vertx;

    public LiveStreamRoute(final LiveFeed feed, final LiveConfig config, final LiveMetrics metrics,
                           final ApiKeys apiKeys, final Vertx vertx) {
        this.feed = feed;
        this.config = config;
        this.metrics = metrics;
        this.apiKeys = apiKeys;
        this.vertx = vertx;
    }

    // Ordered before Quarkus REST (its routes sit at the default order 10,000), so a JAX-RS template such as
    // /reviews/{id} never takes this path.
    @Route(path = PATH, methods = Route.HttpMethod.GET, order = 1000)
    @Tag(name = "results")
    @Operation(summary = "Stream labeled results (Server-Sent Events)",
            description = "Every result committed to reviews.labeled (read_committed) after the connection opened, "
                    + "as it is committed: one event per result with id: the review id and data: the LabeledReview "
                    + "JSON; a ': heartbeat' comment every sentiment.ingest.live.heartbeat (15 s). There is no replay: "
                    + "Last-Event-ID is ignored and a reconnecting client continues from the newest results. A client "
                    + "with more than sentiment.ingest.live.buffer-events (1,000) events waiting to be sent gets "
                    + "a last 'event: overflow' whose data gives the reason, and the stream ends. Needs X-API-Key when "
                    + "API keys are enabled.")
    @Parameters({
            @Parameter(name = LiveFilter.LANG, in = ParameterIn.QUERY, description = "only results in this language",
                    schema = @Schema(type = SchemaType.STRING, enumeration = {"en", "ko"})),
            @Parameter(name = LiveFilter.LABEL, in = ParameterIn.QUERY, description = "only results with this label",
                    schema = @Schema(type = SchemaType.STRING, enumeration = {"POSITIVE", "NEGATIVE"}))})
    @APIResponse(responseCode = "200", description = "The stream; ends with event: overflow when the client fell "
            + "behind", content = @Content(mediaType = EVENT_STREAM, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "400", description = "lang or label has another value, is empty or is repeated "
            + "(INVALID_PARAMETER)", content = @Content(mediaType = Problem.MEDIA_TYPE,
            schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "API key required and missing or wrong",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "sentiment.ingest.live.max-clients streams are open "
            + "(TOO_MANY_STREAMS), or Kafka could not be reached (BROKER_UNAVAILABLE)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    void stream(final RoutingContext ctx) {
        final HttpServerResponse response = ctx.response();
        if (apiKeys.enabled() && !apiKeys.accepts(ctx.request().getHeader(RequestGuard.API_KEY_HEADER))) {
            response.putHeader("WWW-Authenticate", "ApiKey header=\"" + RequestGuard.API_KEY_HEADER + "\"");
            problem(response, Problem.of(401, "UNAUTHORIZED", "send a valid key in the "
                    + RequestGuard.API_KEY_HEADER + " header"));
            return;
        }
        final LiveFilter filter;
        try {
            filter = LiveFilter.parse(ctx.queryParam(LiveFilter.LANG), ctx.queryParam(LiveFilter.LABEL));
        } catch (LiveFilter.InvalidFilterException e) {
            problem(response, Problem.of(400, "INVALID_PARAMETER", e.getMessage()));
            return;
        }
        // Set before the client is registered: the consumer thread may write the first event before open() runs.
        response.setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, EVENT_STREAM + ";charset=UTF-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        final LiveClient client = new LiveClient(response, filter, config, vertx, metrics, feed::remove);
        final CompletionStage<Void> ready = feed.add(client);
        if (ready == null) {
            problem(response, Problem.of(503, "TOO_MANY_STREAMS", config.maxClients() + " streams are open "
                    + "(sentiment.ingest.live.max-clients); retry later"));
            return;
        }
        response.closeHandler(v -> client.close());
        response.exceptionHandler(e -> client.close());
        final Context context = Vertx.currentContext();
        ready.toCompletableFuture().orTimeout(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ok, failure) -> context.runOnContext(v -> open(response, client, failure)));
    }

    private void open(final HttpServerResponse response, final LiveClient client, final Throwable failure) {
        if (response.closed() || !client.isOpen()) {
            client.close();
            return;
        }
        if (failure != null) {
            client.close();
            problem(response, Problem.of(503, "BROKER_UNAVAILABLE", "the live feed could not reach "
                    + "reviews.labeled in " + config.connectTimeout() + "; retry later"));
            return;
        }
        // A first comment sends the header, so clients see the stream open before the first result arrives.
        response.write(": connected\n\n");
    }

    private static void problem(final HttpServerResponse response, final Problem problem) {
        if (response.headWritten() || response.closed()) {
            return;
        }
        response.headers().remove(HttpHeaders.CACHE_CONTROL).remove("X-Accel-Buffering");
        response.setChunked(false).setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
        if (problem.status() == 503) {
            response.putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS));
        }
        response.end(Json.write(problem));
    }
}
