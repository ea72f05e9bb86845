package io.sentimentstreams.json;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serde} for one JSON record type using {@link Json#MAPPER}; a payload that does not
 * parse raises {@link SerializationException}, which the stages route to the dead-letter topic.
 */
public final class JsonSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final Class<T> type;

    public JsonSerde(final Class<T> type) {
        this.type = type;
    }

    public Class<T> type() {
        return type;
    }

    @Override
    public byte[] serialize(final String topic, final T data) {
        return data == null ? null : Json.writeBytes(data);
    }

    @Override
    public T deserialize(final String topic, final byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(data, type);
        } catch (Exception e) {
            throw new SerializationException("cannot read " + type.getSimpleName() + " from " + topic + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void configure(final java.util.Map<String, ?> configs, final boolean isKey) {
        // nothing to configure: the type is fixed at construction
    }

    @Override
    public void close() {
        // stateless
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }
}
