package io.sentimentstreams.topics;

import io.sentimentstreams.kafka.KafkaClientSettings;
import io.sentimentstreams.kafka.KafkaClients;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the topics of the {@link Topics} catalogue on a cluster, leaving existing ones as they are. */
public final class TopicAdmin {

    private TopicAdmin() {
    }

    /**
     * Creates every missing catalogue topic with its partitions and configs and the broker's default replication
     * factor and {@code min.insync.replicas} (which follow the broker count, see kafka-broker's
     * {@code BrokerCluster}); returns the names created.
     */
    public static List<String> createAll(final String bootstrap) throws InterruptedException, TimeoutException {
        return create(KafkaClientSettings.forBootstrap(bootstrap), Optional.empty());
    }

    /** As {@link #createAll(String)} with an explicit replication factor. */
    public static List<String> createAll(final String bootstrap, final short replicationFactor)
            throws InterruptedException, TimeoutException {
        return create(KafkaClientSettings.forBootstrap(bootstrap), Optional.of(replicationFactor));
    }

    /** As {@link #createAll(String)}, connecting with {@code settings}. */
    public static List<String> createAll(final KafkaClientSettings settings)
            throws InterruptedException, TimeoutException {
        return create(settings, Optional.empty());
    }

    /** As {@link #createAll(String, short)}, connecting with {@code settings}. */
    public static List<String> createAll(final KafkaClientSettings settings, final short replicationFactor)
            throws InterruptedException, TimeoutException {
        return create(settings, Optional.of(replicationFactor));
    }

    private static List<String> create(final KafkaClientSettings settings, final Optional<Short> replicationFactor)
            throws InterruptedException, TimeoutException {
        final Properties props = new Properties();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        final String bootstrap = settings.bootstrap();
        try (Admin admin = KafkaClients.admin(settings, props)) {
            final Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            final List<NewTopic> missing = new ArrayList<>();
            for (final Topic<?, ?> topic : Topics.ALL) {
                if (!existing.contains(topic.name())) {
                    missing.add(new NewTopic(topic.name(), Optional.of(topic.partitions()), replicationFactor)
                            .configs(Map.copyOf(topic.configs())));
                }
            }
            final List<String> created = new ArrayList<>();
            for (final Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> e
                    : admin.createTopics(missing).values().entrySet()) {
                try {
                    e.getValue().get(30, TimeUnit.SECONDS);
                    created.add(e.getKey());
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + e.getKey() + ": "
                                + ex.getCause().getMessage(), ex.getCause());
                    }
                }
            }
            return created;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list topics on " + bootstrap + ": " + e.getCause().getMessage(),
                    e.getCause());
        }
    }
}
