package io.sentimentstreams.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The one place where main code creates Kafka producers, consumers and admin clients: each gets the
 * {@link KafkaClientSettings} it is given, then the call site's own client settings (group, serializers,
 * timeouts, ...), and the connection keys of the settings last, so no call site can drop the security a
 * deployment configured. A source test allows these constructions nowhere else.
 */
public final class KafkaClients {

    private KafkaClients() {
    }

    /** {@code settings}' properties, then {@code client}, then {@code settings}' connection keys again. */
    public static Map<String, Object> config(final KafkaClientSettings settings, final Map<?, ?> client) {
        final Map<String, Object> c = new HashMap<>(settings.properties());
        client.forEach((k, v) -> c.put(String.valueOf(k), v));
        c.putAll(settings.connection());
        c.put(KafkaClientSettings.BOOTSTRAP, settings.bootstrap());
        return c;
    }

    /** A producer; serializers may be null when {@code client} names their classes. */
    public static <K, V> KafkaProducer<K, V> producer(final KafkaClientSettings settings, final Map<?, ?> client,
                                                      final Serializer<K> keys, final Serializer<V> values) {
        return new KafkaProducer<>(config(settings, client), keys, values);
    }

    /** A consumer; deserializers may be null when {@code client} names their classes. */
    public static <K, V> KafkaConsumer<K, V> consumer(final KafkaClientSettings settings, final Map<?, ?> client,
                                                      final Deserializer<K> keys, final Deserializer<V> values) {
        return new KafkaConsumer<>(config(settings, client), keys, values);
    }

    public static Admin admin(final KafkaClientSettings settings, final Map<?, ?> client) {
        return Admin.create(config(settings, client));
    }
}
