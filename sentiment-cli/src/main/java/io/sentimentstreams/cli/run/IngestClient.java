package io.sentimentstreams.cli.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A producer of reviews over HTTP as a well-behaved client would be: posts JSON arrays to
 * {@code /reviews} and retries 429/503 and connection errors with backoff.
 */
public final class IngestClient {

    /** About 30 s of retrying: long enough to ride out a restart of ingest-service. */
    private static final int MAX_ATTEMPTS = 20;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    public IngestClient(final String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /**
     * Posts one batch atomically (all or nothing); returns null when accepted (202), else a short reason such as
     * {@code HTTP 400 BLANK_TEXT}.
     */
    public String post(final List<DemoInput> chunk, final String source) throws InterruptedException {
        final ArrayNode body = Json.MAPPER.createArrayNode();
        for (final DemoInput r : chunk) {
            body.add(item(r, source));
        }
        return send("/reviews?atomic=true", Json.write(body), "application/json").reason();
    }

    /** One item ingest-service refused: its index in the chunk, the id it declared, the reason code and detail. */
    public record Rejection(int index, String id, String code, String detail) {
    }

    /**
     * The outcome of one per-item bulk request: the accepted ids and the refused items, or, when the request
     * failed as a whole (after retries, or for a reason about the whole body), a short reason for all of it.
     */
    public record Submission(List<String> acceptedIds, List<Rejection> rejected, String failure) {
    }

    /**
     * Posts one chunk as NDJSON with per-item bulk semantics: each row stands or falls on its own; a row with
     * {@link DemoInput#raw()} goes as it is written.
     */
    public Submission submit(final List<DemoInput> chunk, final String source) throws InterruptedException {
        final StringBuilder body = new StringBuilder(chunk.size() * 256);
        for (final DemoInput r : chunk) {
            body.append(r.raw() != null ? r.raw() : Json.write(item(r, source))).append('\n');
        }
        final Outcome o = postRaw(body.toString(), "application/x-ndjson");
        final List<Rejection> rejected = new ArrayList<>();
        final List<String> ids = new ArrayList<>();
        try {
            final JsonNode node = o.body() == null || o.body().isEmpty() ? null : Json.MAPPER.readTree(o.body());
            if (node != null) {
                node.path("ids").forEach(id -> ids.add(id.asText()));
                for (final JsonNode r : node.path("rejected")) {
                    rejected.add(new Rejection(r.path("index").asInt(), r.path("id").asText(null),
                            r.path("code").asText(), r.path("detail").asText()));
                }
            }
        } catch (IOException e) {
            return new Submission(List.of(), List.of(), "HTTP " + o.status() + " unreadable answer");
        }
        final boolean itemized = o.reason() == null || !rejected.isEmpty();
        return new Submission(ids, rejected, itemized ? null : o.reason());
    }

    private static ObjectNode item(final DemoInput r, final String source) {
        final ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", r.id());
        if (r.text() != null) {
            o.put("text", r.text());
        }
        if (r.lang() != null) {
            o.put("lang", r.lang());
        }
        o.put("source", source);
        return o;
    }

    /** Outcome of one request after retries: the final status and, when refused, a short reason. */
    public record Outcome(int status, String reason, String body) {
    }

    public Outcome postRaw(final String body, final String contentType) throws InterruptedException {
        return send("/reviews", body, contentType);
    }

    private Outcome send(final String path, final String body, final String contentType) throws InterruptedException {
        final HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        for (int attempt = 1; ; attempt++) {
            try {
                final HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 202 || r.statusCode() == 200) {
                    return new Outcome(r.statusCode(), null, r.body());
                }
                if ((r.statusCode() == 503 || r.statusCode() == 429) && attempt < MAX_ATTEMPTS) {
                    TimeUnit.MILLISECONDS.sleep(Math.min(2000L, 200L * attempt));
                    continue;
                }
                return new Outcome(r.statusCode(), "HTTP " + r.statusCode() + " " + reasonOf(r.body()), r.body());
            } catch (IOException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    return new Outcome(0, "IO " + e.getClass().getSimpleName(), "");
                }
                TimeUnit.MILLISECONDS.sleep(Math.min(2000L, 200L * attempt));
            }
        }
    }

    private static String reasonOf(final String body) {
        try {
            final JsonNode node = Json.MAPPER.readTree(body);
            return node.path("reason").asText(node.path("title").asText(""));
        } catch (IOException e) {
            return "";
        }
    }
}
