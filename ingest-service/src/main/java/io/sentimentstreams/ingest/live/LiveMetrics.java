package io.sentimentstreams.ingest.live;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live stream's meters: {@code sentiment.ingest.live.clients} (open streams),
 * {@code sentiment.ingest.live.events} (labeled results sent, over all streams) and
 * {@code sentiment.ingest.live.overflows} (streams ended because the client fell behind).
 */
@ApplicationScoped
public class LiveMetrics {

    public static final String CLIENTS = "sentiment.ingest.live.clients";
    public static final String EVENTS = "sentiment.ingest.live.events";
    public static final String OVERFLOWS = "sentiment.ingest.live.overflows";

    private final AtomicInteger clients = new AtomicInteger();
    private final Counter events;
    private final Counter overflows;

    public LiveMetrics(final MeterRegistry registry) {
        Gauge.builder(CLIENTS, clients, AtomicInteger::get).description("Open GET /reviews/stream connections")
                .register(registry);
        this.events = Counter.builder(EVENTS).description("Labeled results sent on GET /reviews/stream")
                .register(registry);
        this.overflows = Counter.builder(OVERFLOWS)
                .description("GET /reviews/stream clients dropped because they fell behind").register(registry);
    }

    void connected() {
        clients.incrementAndGet();
    }

    void disconnected() {
        clients.decrementAndGet();
    }

    void sent() {
        events.increment();
    }

    void overflow() {
        overflows.increment();
    }

    int clients() {
        return clients.get();
    }
}
