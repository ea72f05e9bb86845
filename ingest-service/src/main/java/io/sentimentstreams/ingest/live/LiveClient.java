package io.sentimentstreams.ingest.live;

import io.sentimentstreams.contracts.LabeledReview;
import io.sentimentstreams.json.Json;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One open {@code GET /reviews/stream}: frames from the shared consumer in, SSE bytes to the client's connection
 * out, with at most {@code capacity} frames outstanding. A frame is outstanding from the moment it is handed to
 * the connection until Netty has passed it to the socket; a client that does not read keeps its frames
 * outstanding, and the one frame too many (by count or by bytes) ends its stream with {@code event: overflow} instead of being queued,
 * so neither memory nor the shared consumer depends on how fast a client reads.
 */
final class LiveClient {

    private static final Logger LOG = Logger.getLogger(LiveClient.class);
    private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);

    private final HttpServerResponse response;
    private final LiveFilter filter;
    private final int capacity;
    private final long capacityBytes;
    private final long graceMillis;
    private final Vertx vertx;
    private final LiveMetrics metrics;
    private final Consumer<LiveClient> onEnd;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicLong outstandingBytes = new AtomicLong();
    private final AtomicBoolean open = new AtomicBoolean(true);

    LiveClient(final HttpServerResponse response, final LiveFilter filter, final LiveConfig config,
               final Vertx vertx, final LiveMetrics metrics, final Consumer<LiveClient> onEnd) {
        this.response = response;
        this.filter = filter;
        this.capacity = Math.max(1, config.bufferEvents());
        this.capacityBytes = Math.max(1, config.bufferBytes());
        this.graceMillis = Math.max(1, config.overflowGrace().toMillis());
        this.vertx = vertx;
        this.metrics = metrics;
        this.onEnd = onEnd;
    }

    /** The SSE frame of one labeled result: its id as the event id, its JSON (one line) as the data. */
    static byte[] frame(final LabeledReview review) {
        final String id = review.id() == null ? "" : review.id().replaceAll("[\r\n]", "");
        return ("id: " + id + "\ndata: " + Json.write(review) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Called on the consumer thread for every committed result; never blocks. */
    void offer(final LabeledReview review, final byte[] frame) {
        if (filter.accepts(review) && write(frame)) {
            metrics.sent();
        }
    }

    void heartbeat() {
        write(HEARTBEAT);
    }

    boolean isOpen() {
        return open.get();
    }

    private boolean write(final byte[] frame) {
        if (!open.get()) {
            return false;
        }
        final int events = outstanding.incrementAndGet();
        final long bytes = outstandingBytes.addAndGet(frame.length);
        // One frame is always let through, however large, so a single long review never overflows an idle client.
        if (events > capacity || (bytes > capacityBytes && events > 1)) {
            overflow(events > capacity ? capacity + " events" : bytes - frame.length + " bytes");
            return false;
        }
        try {
            response.write(Buffer.buffer(frame)).onComplete(done -> {
                outstanding.decrementAndGet();
                outstandingBytes.addAndGet(-frame.length);
                if (done.failed()) {
                    close();
                }
            });
            return true;
        } catch (IllegalStateException e) {
            // the connection went away between the check and the write; its close handler ends the client
            close();
            return false;
        }
    }

    private void overflow(final String waiting) {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        metrics.overflow();
        onEnd.accept(this);
        LOG.infof("live stream client fell behind (%s waiting); ending its stream with an overflow event", waiting);
        final String reason = "the client fell behind: " + waiting + " were waiting to be sent (limits "
                + "sentiment.ingest.live.buffer-events=" + capacity + ", buffer-bytes=" + capacityBytes
                + "); reconnect to continue from the newest results";
        final byte[] last = ("event: overflow\ndata: " + Json.write(Map.of("reason", reason, "bufferEvents", capacity,
                "bufferBytes", capacityBytes)) + "\n\n").getBytes(StandardCharsets.UTF_8);
        final AtomicBoolean flushed = new AtomicBoolean();
        try {
            response.write(Buffer.buffer(last));
            response.end().onComplete(done -> flushed.set(true));
        } catch (IllegalStateException e) {
            return;
        }
        // A client that never reads again would hold the connection (and the frames still queued) for good.
        vertx.setTimer(graceMillis, t -> {
            if (!flushed.get() && !response.closed()) {
                // closes an HTTP/1.x connection; resets only this stream on HTTP/2
                response.reset();
            }
        });
    }

    /** Ends the stream (client gone, or the service stopping); idempotent. */
    void close() {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        onEnd.accept(this);
        try {
            if (!response.ended() && !response.closed()) {
                response.end();
            }
        } catch (IllegalStateException e) {
            // already closed by the peer
        }
    }
}
