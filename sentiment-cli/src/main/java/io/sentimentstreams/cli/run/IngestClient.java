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

    /** Posts one batch; returns null when accepted (202), else a short reason such as {@code HTTP 400 BLANK_TEXT}. */
    public String post(final List<DemoInput> chunk, final String source) throws InterruptedException {
        final ArrayNode body = Json.MAPPER.createArrayNode();
        for (final DemoInput r : chunk) {
            final ObjectNode o = body.addObject();
            o.put("id", r.id());
            o.put("text", r.text());
            if (r.lang() != null) {
                o.put("lang", r.lang());
            }
            o.put("source", source);
        }
        return postRaw(Json.write(body), "application/json").reason();
    }

    /** Outcome of one request after retries: the final status and, when refused, a short reason. */
    public record Outcome(int status, String reason, String body) {
    }

    public Outcome postRaw(final String body, final String contentType) throws InterruptedException {
        final HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/reviews"))
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
