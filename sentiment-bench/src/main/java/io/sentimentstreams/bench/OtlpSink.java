package io.sentimentstreams.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OTLP/HTTP endpoint that accepts every export and keeps only counts, so a bench measures what tracing costs
 * the services rather than what a collector costs the machine. An empty 200 body is an empty
 * {@code ExportTraceServiceResponse}: full success.
 */
final class OtlpSink implements AutoCloseable {

    private final HttpServer server;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    private OtlpSink(final HttpServer server) {
        this.server = server;
    }

    static OtlpSink start() throws IOException {
        final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        final OtlpSink sink = new OtlpSink(server);
        server.createContext("/", sink::handle);
        server.start();
        return sink;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    long requests() {
        return requests.get();
    }

    long bytes() {
        return bytes.get();
    }

    private void handle(final HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            final byte[] buffer = new byte[64 * 1024];
            long n = 0;
            for (int r; (r = in.read(buffer)) >= 0; ) {
                n += r;
            }
            bytes.addAndGet(n);
            requests.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
