package io.sentimentstreams.cli.secure;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentstreams.broker.BrokerProcess;
import io.sentimentstreams.kafka.KafkaClientSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secured broker (mTLS, StandardAuthorizer) with the shipped KafkaUser ACLs read for an install whose topic
 * prefix is {@value #PREFIX}, as {@code SENTIMENT_TOPIC_PREFIX=team-a. ./sentiment up --secure} runs it: each user
 * reaches the prefixed topics, groups and transactional ids its manifest names, and none of the unprefixed ones.
 */
class PrefixedAclsOnSecuredBrokerTest {

    private static final String PREFIX = "team-a.";
    private static final Duration REFUSAL = Duration.ofSeconds(20);
    private static final Path BASE = Path.of("../deploy/k8s/base");

    @TempDir
    Path dir;

    @Test
    void eachUserReachesItsPrefixedTopicsGroupsAndTransactionalIdsAndNoUnprefixedOne() throws Exception {
        final LocalSecurity security = LocalSecurity.create(dir.resolve("secure"), BASE, PREFIX);
        try (BrokerProcess broker = BrokerProcess.start(BrokerProcess.Options.defaults(dir.resolve("kafka"))
                .withPort(0).withSecurity(security.broker()))) {
            final String bootstrap = broker.bootstrapServers();
            assertThat(security.applyAcls(bootstrap)).isPositive();
            final List<String> topics = List.of("reviews.raw", "reviews.encoded", "sentiment.models");
            try (Admin admin = Admin.create(config(security.client(LocalSecurity.ADMIN, bootstrap)))) {
                final List<NewTopic> create = new ArrayList<>();
                topics.forEach(t -> {
                    create.add(new NewTopic(t, 1, (short) 1));
                    create.add(new NewTopic(PREFIX + t, 1, (short) 1));
                });
                admin.createTopics(create).all().get(60, TimeUnit.SECONDS);
            }
            final KafkaClientSettings ingest = security.client("ingest-service", bootstrap);
            final KafkaClientSettings inference = security.client("inference-service", bootstrap);
            final KafkaClientSettings trainer = security.client("trainer", bootstrap);

            // ingest-service's HTTP producers: transactional id prefix sentiment-ingest, topic reviews.raw.
            assertThat(transactionalWrite(ingest, PREFIX + "sentiment-ingest-i1", PREFIX + "reviews.raw"))
                    .as("prefixed id and topic").isNull();
            assertRefused(transactionalWrite(ingest, "sentiment-ingest-i1", PREFIX + "reviews.raw"),
                    "ingest: unprefixed transactional id");
            assertRefused(transactionalWrite(ingest, PREFIX + "sentiment-ingest-i1", "reviews.raw"),
                    "ingest: unprefixed topic");
            // publish: transactional id sentiment-publish-NAME on sentiment.models.
            assertThat(transactionalWrite(trainer, PREFIX + "sentiment-publish-imdb-en", PREFIX + "sentiment.models"))
                    .as("trainer publishes under the prefix").isNull();
            assertRefused(transactionalWrite(trainer, "sentiment-publish-imdb-en", PREFIX + "sentiment.models"),
                    "trainer: unprefixed transactional id");

            // inference-service's consumer: group sentiment-inference on reviews.encoded.
            assertThat(groupRead(inference, PREFIX + "sentiment-inference", PREFIX + "reviews.encoded"))
                    .as("prefixed group and topic").isNull();
            assertRefused(groupRead(inference, "sentiment-inference", PREFIX + "reviews.encoded"),
                    "inference: unprefixed group");
            assertRefused(groupRead(inference, PREFIX + "sentiment-inference", "reviews.encoded"),
                    "inference: unprefixed topic");
        }
    }

    private static Map<String, Object> config(final KafkaClientSettings user) {
        final Map<String, Object> c = new HashMap<>(user.properties());
        c.put("default.api.timeout.ms", (int) REFUSAL.toMillis());
        c.put("request.timeout.ms", 10_000);
        return c;
    }

    /** Commits one record in a transaction; the failure, or null when it was committed. */
    private static Throwable transactionalWrite(final KafkaClientSettings user, final String transactionalId,
                                                final String topic) {
        final Map<String, Object> c = config(user);
        c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) REFUSAL.toMillis());
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) REFUSAL.toMillis());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(c, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k".getBytes(StandardCharsets.UTF_8),
                    "v".getBytes(StandardCharsets.UTF_8))).get(REFUSAL.toSeconds(), TimeUnit.SECONDS);
            producer.commitTransaction();
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    /** Reads a record of {@code topic} in {@code group} and commits; the failure, or null when that worked. */
    private static Throwable groupRead(final KafkaClientSettings user, final String group, final String topic) {
        final Map<String, Object> c = config(user);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            final long deadline = System.nanoTime() + REFUSAL.toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500));
                if (!consumer.assignment().isEmpty()) {
                    consumer.commitSync();
                    return null;
                }
            }
            return new AssertionError("no partition of " + topic + " assigned in group " + group + " within " + REFUSAL);
        } catch (Exception e) {
            return e;
        }
    }

    private static void assertRefused(final Throwable t, final String what) {
        final List<Throwable> chain = new ArrayList<>();
        for (Throwable c = t; c != null && !chain.contains(c); c = c.getCause()) {
            chain.add(c);
        }
        assertThat(chain).as(what + " must be refused by the ACLs, got " + t)
                .anyMatch(c -> c instanceof AuthorizationException);
    }
}
