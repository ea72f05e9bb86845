package io.sentimentstreams.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.contracts.ModelRef;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.kafka.KafkaClientSettings;
import io.sentimentstreams.kafka.KafkaClients;
import io.sentimentstreams.rollout.Rollout;
import io.sentimentstreams.rollout.RolloutRecords;
import io.sentimentstreams.rollout.RolloutRole;
import io.sentimentstreams.rollout.Rollouts;
import io.sentimentstreams.topics.TopicScan;
import io.sentimentstreams.topics.Topics;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A language and a transition (promote, rollback, a candidate's role or share) in; one rollout record on
 * {@code sentiment.models} out, holding the language's whole new {@link Rollout}. The state it starts from is the
 * topic folded by the same {@link Rollouts} the services use, read after this language's transactional producer
 * is initialised, so a concurrent change of the same language is fenced rather than lost.
 */
public final class RolloutPublisher {

    /** A transition that does not apply to the current state (no candidate, nothing to roll back to, ...). */
    public static final class RefusedException extends IOException {
        public RefusedException(final String message) {
            super(message);
        }
    }

    /** The rollout written and where. */
    public record Written(String key, Rollout before, Rollout after, int partition, long offset) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private RolloutPublisher() {
    }

    public static Written promote(final KafkaClientSettings kafka, final String lang) throws IOException {
        return write(kafka, lang, "promote", Rollout::promote);
    }

    public static Written rollback(final KafkaClientSettings kafka, final String lang) throws IOException {
        return write(kafka, lang, "rollback", Rollout::rollback);
    }

    /** Makes the published bundle {@code ref} (of {@code lang}) the language's candidate in {@code role}. */
    public static Written candidate(final KafkaClientSettings kafka, final String lang, final ModelRef ref,
                                    final RolloutRole role, final int percent) throws IOException {
        if (role == RolloutRole.LIVE) {
            throw new IllegalArgumentException("a candidate is a shadow or a canary; promote makes it live");
        }
        return write(kafka, lang, role.wireName(), r -> {
            if (ref.equals(r.live())) {
                throw new IllegalStateException(ref + " is already live for " + lang);
            }
            return r.withCandidate(ref, role, percent);
        });
    }

    /** The rollout of every language as the services see it once they have read the topic to its end now. */
    public static Map<String, Rollout> read(final KafkaClientSettings kafka) throws IOException {
        final Properties p = new Properties();
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MODEL_MAX_BYTES);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Topics.MODEL_MAX_BYTES);
        final Rollouts book = new Rollouts();
        final boolean exists = TopicScan.readAll(kafka, p, Topics.MODELS.name(), TIMEOUT, r -> fold(book, r));
        if (!exists) {
            throw new IOException("topic " + Topics.MODELS.name() + " does not exist on " + kafka.bootstrap());
        }
        return book.all();
    }

    private static void fold(final Rollouts book, final ConsumerRecord<String, byte[]> r) {
        if (r.key() == null) {
            return;
        }
        if (RolloutRecords.isRolloutKey(r.key())) {
            try {
                book.record(RolloutRecords.decode(r.key(), r.value()));
            } catch (IllegalArgumentException e) {
                // The services refuse it too and keep their state: so does the fold here.
            }
            return;
        }
        final ModelRef ref;
        try {
            ref = ModelRef.parse(r.key());
        } catch (IllegalArgumentException e) {
            return;
        }
        if (r.value() == null) {
            book.retire(ref);
            return;
        }
        try {
            final RolloutRole role = RolloutRecords.role(header(r, RolloutRecords.ROLE_HEADER));
            final int percent = RolloutRecords.percent(role, header(r, RolloutRecords.PERCENT_HEADER));
            final String lang = header(r, RolloutRecords.LANG_HEADER);
            book.bundle(ref, lang != null ? lang : langInArchive(r.value()), role, percent);
        } catch (IllegalArgumentException | IOException e) {
            // A record the services refuse plays no role there either.
        }
    }

    /** The language in the archive's bundle.json: bundles published before the language header. */
    private static String langInArchive(final byte[] archive) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (e.getName().equals(BundleManifest.FILE)) {
                    final JsonNode n = Json.MAPPER.readTree(zip.readAllBytes());
                    return n.path("lang").asText();
                }
            }
        }
        throw new IOException("archive has no " + BundleManifest.FILE);
    }

    private static Written write(final KafkaClientSettings kafka, final String lang, final String action,
                                 final UnaryOperator<Rollout> transition) throws IOException {
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(kafka, producerProps(lang), null, null)) {
            producer.initTransactions();
            final Rollout before = read(kafka).getOrDefault(lang, Rollout.empty(lang));
            final Rollout after;
            try {
                after = transition.apply(before);
            } catch (IllegalStateException | IllegalArgumentException e) {
                throw new RefusedException(e.getMessage());
            }
            final String key = RolloutRecords.key(lang);
            producer.beginTransaction();
            final java.util.concurrent.Future<RecordMetadata> sent = producer.send(new ProducerRecord<>(
                    Topics.MODELS.name(), key, RolloutRecords.encode(after, action)));
            producer.commitTransaction();
            final RecordMetadata md = sent.get();
            return new Written(key, before, after, md.partition(), md.offset());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing the rollout of " + lang, e);
        } catch (java.util.concurrent.ExecutionException | org.apache.kafka.common.KafkaException e) {
            final Throwable cause = e.getCause() != null && e instanceof java.util.concurrent.ExecutionException
                    ? e.getCause() : e;
            throw new IOException(action + " of " + lang + " on " + kafka.bootstrap() + " failed, nothing was written: "
                    + cause.getMessage(), cause);
        }
    }

    static Properties producerProps(final String lang) {
        final Properties p = new Properties();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, Topics.PREFIX + "sentiment-rollout-" + lang);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "sentiment-rollout");
        return p;
    }

    private static String header(final ConsumerRecord<String, byte[]> r, final String name) {
        final Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
