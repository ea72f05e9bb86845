package io.sentimentstreams.cli.dlq;

import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.topics.Topic;
import io.sentimentstreams.topics.TopicScan;
import io.sentimentstreams.topics.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The dead letters on {@code reviews.dlq} in, their original payloads back on the topics they came from out,
 * each at most once: every replayed letter is recorded in {@code sentiment.dlq.replays} (key
 * {@code partition:offset}) in the same Kafka transaction as its payload, and a letter the ledger holds is
 * skipped. One fixed transactional id serialises replays: a second replay running at the same time fences
 * the first, whose transaction then aborts, so no letter goes out twice.
 */
final class DeadLetterReplay {

    /** Header on a replayed record: which dead letter it is ({@code reviews.dlq/partition/offset}). */
    static final String REPLAY_HEADER = "sentiment.replay.of";
    private static final String TRANSACTIONAL_ID = "sentiment-dlq-replay";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** A dead letter and where it sits on {@code reviews.dlq}. */
    record Letter(DeadLetter letter, int partition, long offset) {
        String coordinates() {
            return partition + ":" + offset;
        }
    }

    /** What a replay did (or would do, on a dry run). */
    record Outcome(List<Letter> replayed, int alreadyReplayed, List<Letter> unreplayable) {
    }

    private final String bootstrap;

    DeadLetterReplay(final String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** Every dead letter now on the topic, oldest first per partition (unreadable records are skipped). */
    List<Letter> letters() throws IOException {
        final List<Letter> out = new ArrayList<>();
        readAll(Topics.DLQ, (r, value) -> {
            try {
                out.add(new Letter(Json.MAPPER.readValue(value, DeadLetter.class), r.partition(), r.offset()));
            } catch (IOException e) {
                // Not a DeadLetter this build understands: list nothing rather than guess.
            }
        });
        return out;
    }

    /** The coordinates of every letter already replayed. */
    Set<String> replayedCoordinates() throws IOException {
        final Set<String> done = new HashSet<>();
        readAll(Topics.DLQ_REPLAYS, (r, value) -> {
            if (r.key() != null) {
                done.add(r.key());
            }
        });
        return done;
    }

    Outcome replay(final Predicate<Letter> selected, final boolean dryRun) throws IOException {
        if (dryRun) {
            return plan(selected);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            // The ledger is read after initTransactions: a replay still open under the same id is fenced (and
            // aborts) by then, and one that committed before is in the ledger, so no letter goes out twice.
            producer.initTransactions();
            final Outcome plan = plan(selected);
            if (!plan.replayed().isEmpty()) {
                send(producer, plan.replayed());
            }
            return plan;
        } catch (KafkaException e) {
            throw new IOException("cannot replay to " + bootstrap + ": " + e.getMessage(), e);
        }
    }

    private Outcome plan(final Predicate<Letter> selected) throws IOException {
        final Set<String> done = replayedCoordinates();
        final List<Letter> todo = new ArrayList<>();
        final List<Letter> unreplayable = new ArrayList<>();
        int already = 0;
        for (final Letter l : letters()) {
            if (!selected.test(l)) {
                continue;
            }
            if (done.contains(l.coordinates())) {
                already++;
            } else if (whyNot(l.letter()) != null) {
                unreplayable.add(l);
            } else {
                todo.add(l);
            }
        }
        return new Outcome(todo, already, unreplayable);
    }

    /** Why a letter cannot be sent back as it came, or null when it can. */
    static String whyNot(final DeadLetter d) {
        if (d.originalBytes() == null) {
            return "it has no payload";
        }
        if (d.sourceTopic() == null || d.sourceTopic().isBlank()) {
            return "it does not say which topic it came from";
        }
        if (d.message() != null && d.message().contains(" cut to " + DeadLetter.MAX_PAYLOAD_BYTES + ")")) {
            return "its payload was cut to " + DeadLetter.MAX_PAYLOAD_BYTES + " bytes when it was dead-lettered";
        }
        return null;
    }

    private Properties producerProps() {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, Topics.PREFIX + TRANSACTIONAL_ID);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * DeadLetter.MAX_PAYLOAD_BYTES);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "sentiment-dlq-replay");
        return p;
    }

    private static void send(final KafkaProducer<byte[], byte[]> producer, final List<Letter> letters)
            throws IOException {
        producer.beginTransaction();
        try {
            for (final Letter l : letters) {
                final DeadLetter d = l.letter();
                final byte[] key = d.id() == null ? null : d.id().getBytes(StandardCharsets.UTF_8);
                final ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(d.sourceTopic(), key,
                        d.originalBytes());
                record.headers().add(REPLAY_HEADER, (Topics.DLQ.name() + "/" + l.partition() + "/" + l.offset())
                        .getBytes(StandardCharsets.UTF_8));
                producer.send(record);
                producer.send(new ProducerRecord<>(Topics.DLQ_REPLAYS.name(),
                        l.coordinates().getBytes(StandardCharsets.UTF_8),
                        Json.writeBytes(Map.of("to", d.sourceTopic(), "id", String.valueOf(d.id()),
                                "reason", String.valueOf(d.reason()), "at", Instant.now().toString()))));
            }
            producer.commitTransaction();
        } catch (KafkaException e) {
            try {
                producer.abortTransaction();
            } catch (KafkaException fenced) {
                // Fenced by a newer replay: the broker aborts this transaction itself.
            }
            throw new IOException("replay aborted, nothing was sent: " + e.getMessage(), e);
        }
    }

    /** Reads a whole topic from the beginning to the end offsets of the moment. */
    private void readAll(final Topic<?, ?> topic, final BiConsumer<ConsumerRecord<String, byte[]>, byte[]> each)
            throws IOException {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        final boolean exists = TopicScan.readAll(p, topic.name(), TIMEOUT, r -> {
            if (r.value() != null) {
                each.accept(r, r.value());
            }
        });
        if (!exists) {
            throw new IOException("topic " + topic.name() + " does not exist on " + bootstrap
                    + " (./sentiment topics --bootstrap " + bootstrap + " creates the catalogue)");
        }
    }
}
