package io.sentimentstreams.ingest.live;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A test client of {@code GET /reviews/stream} on the JDK's HTTP client, reading every line as soon as it
 * arrives and collecting the events (id, event name, data) and comments it sees.
 */
final class SseReader implements AutoCloseable {

    /** One dispatched SSE event. */
    record Event(String id, String name, String data) {
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private final HttpResponse<Stream<String>> response;
    private final Thread reader;
    private volatile boolean ended;

    SseReader(final String url) throws Exception {
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        response = http.sendAsync(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").GET()
                .build(), HttpResponse.BodyHandlers.ofLines()).get(30, TimeUnit.SECONDS);
        reader = new Thread(this::read, "sse-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        String id = null;
        String name = null;
        final List<String> data = new ArrayList<>();
        try (Stream<String> lines = response.body()) {
            for (final String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Event(id, name == null ? "message" : name, String.join("\n", data)));
                    }
                    id = null;
                    name = null;
                    data.clear();
                } else if (line.startsWith(":")) {
                    comments.add(line.substring(1).strip());
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.add(line.substring(6));
                }
            }
        } catch (RuntimeException e) {
            // closed by the test
        } finally {
            ended = true;
        }
    }

    int status() {
        return response.statusCode();
    }

    String contentType() {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    List<String> ids() {
        return events.stream().filter(e -> e.name().equals("message")).map(Event::id).toList();
    }

    List<String> comments() {
        return List.copyOf(comments);
    }

    /** True once the server ended the stream. */
    boolean ended() {
        return ended;
    }

    @Override
    public void close() {
        reader.interrupt();
        try {
            response.body().close();
        } catch (RuntimeException e) {
            // already closed
        }
    }
}
