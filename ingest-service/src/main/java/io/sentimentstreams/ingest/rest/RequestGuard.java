package io.sentimentstreams.ingest.rest;

import io.sentimentstreams.ingest.config.IngestConfig;
import io.sentimentstreams.ingest.metrics.IngestMetrics;
import io.sentimentstreams.ingest.results.ResultLookups;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Runs before the body of POST /reviews is read: refuses a request to /reviews, /reviews/... or the
 * instance-to-instance /internal/results without a valid X-API-Key (401, when enabled) and one whose declared Content-Length exceeds the body limit (413), so neither costs
 * more than its headers. Bodies without Content-Length are capped while they are read.
 */
public class RequestGuard {

    public static final String API_KEY_HEADER = "X-API-Key";

    private final ApiKeys apiKeys;
    private final IngestMetrics metrics;
    private final long maxBodyBytes;

    public RequestGuard(final ApiKeys apiKeys, final IngestMetrics metrics, final IngestConfig config) {
        this.apiKeys = apiKeys;
        this.metrics = metrics;
        this.maxBodyBytes = config.maxBodyBytes();
    }

    @ServerRequestFilter(preMatching = true)
    public Response guard(final ContainerRequestContext request) {
        final String path = request.getUriInfo().getPath();
        if (!ReviewResource.PATH.equals(path) && !path.startsWith(ReviewResource.PATH + "/")
                && !ResultLookups.INTERNAL_PATH.equals(path)) {
            return null;
        }
        final long start = System.nanoTime();
        if (apiKeys.enabled() && !apiKeys.accepts(request.getHeaderString(API_KEY_HEADER))) {
            metrics.request(401, "UNAUTHORIZED", System.nanoTime() - start);
            return Response.fromResponse(Problem.of(401, "UNAUTHORIZED",
                            "send a valid key in the " + API_KEY_HEADER + " header").toResponse())
                    .header(HttpHeaders.WWW_AUTHENTICATE, "ApiKey header=\"" + API_KEY_HEADER + "\"").build();
        }
        final String declared = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (declared != null && exceeds(declared)) {
            // Counted like a body that overruns while being read, so the rejection counter sees both.
            metrics.rejected(IngestMetrics.CHANNEL_HTTP, "BODY_TOO_LARGE");
            metrics.request(413, "BODY_TOO_LARGE", System.nanoTime() - start);
            return Problem.of(413, "BODY_TOO_LARGE", "Content-Length " + declared.strip() + " exceeds the limit of "
                    + maxBodyBytes + " bytes; split the batch").toResponse();
        }
        return null;
    }

    private boolean exceeds(final String declared) {
        try {
            return Long.parseLong(declared.strip()) > maxBodyBytes;
        } catch (NumberFormatException e) {
            // Vert.x refuses a malformed Content-Length before we get here; be safe anyway
            return true;
        }
    }
}
