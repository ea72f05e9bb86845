package io.sentimentstreams.tracing;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Kafka record headers as an OpenTelemetry carrier: UTF-8 values, the last header of a key wins, a set replaces. */
enum KafkaHeaders implements TextMapGetter<Headers>, TextMapSetter<Headers> {
    INSTANCE;

    @Override
    public Iterable<String> keys(final Headers carrier) {
        final List<String> keys = new ArrayList<>();
        for (final Header h : carrier) {
            keys.add(h.key());
        }
        return keys;
    }

    @Override
    public String get(final Headers carrier, final String key) {
        if (carrier == null) {
            return null;
        }
        final Header h = carrier.lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void set(final Headers carrier, final String key, final String value) {
        if (carrier == null) {
            return;
        }
        // Kafka Streams copies a record's headers to what it forwards: the stage's own context replaces them.
        carrier.remove(key);
        carrier.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
