package io.sentimentstreams.topics;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;

/**
 * A topic name bound to its key and value serdes and to the settings it is created with, so no bare
 * topic string or default serde appears anywhere else in the code.
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, int partitions,
                          Map<String, String> configs) {

    public Topic {
        configs = Map.copyOf(configs);
    }

    @Override
    public String toString() {
        return name;
    }
}
