package io.sentimentstreams.cli.dlq;

import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.kafka.KafkaClientSettings;
import io.sentimentstreams.kafka.KafkaClients;
import io.sentimentstreams.topics.Topic;
import io.sentimentstreams.topics.TopicScan;
import io.sentimentstreams.topics.Topics;
import io.sentimentstreams.tracing.RecordTracing;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
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
    /** Letters per replay transaction: up to 512 KiB each, so a chunk stays far below the transaction timeout. */
    static final int PER_TRANSACTION = 200;

    /** A dead letter and where it sits on {@code reviews.dlq}. */
    /** @param traceparent the letter's W3C trace context header (its review's trace), null when it has none */
    record Letter(DeadLetter letter, int partition, long offset, String traceparent) {
        String coordinates() {
            return partition + ":" + offset;
        }
    }

    /** What a replay did (or would do, on a dry run). */
    record Outcome(List<Letter> replayed, int alreadyReplayed, List<Letter> unreplayable, int unreadable) {
    }

    private final String bootstrap;

    DeadLetterReplay(final String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** The selected dead letters now on the topic, oldest first per partition, and how many records were unreadable. */
    Selection letters(final Predicate<Letter> selected) throws IOException {
        final List<Letter> out = new ArrayList<>();
        final int[] unreadable = {0};
        readAll(Topics.DLQ, (r, value) -> {
            final Letter l;
            try {
                final Header trace = r.headers().lastHeader(RecordTracing.TRACEPARENT);
                l = new Letter(Json.MAPPER.readValue(value, DeadLetter.class), r.partition(), r.offset(),
                        trace == null ? null : new String(trace.value(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                unreadable[0]++;
                return;
            }
            // Filtered while reading, so only the selection is held (a letter can carry 512 KiB of payload).
            if (selected.test(l)) {
                out.add(l);
            }
        });
        return new Selection(out, unreadable[0]);
    }

    /** Letters chosen by a filter, and the records of the topic that are not a dead letter this build reads. */
    record Selection(List<Letter> letters, int unreadable) {
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
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(settings(), producerProps(),
                new ByteArraySerializer(),
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
        final Selection selection = letters(selected);
        for (final Letter l : selection.letters()) {
            if (done.contains(l.coordinates())) {
                already++;
            } else if (whyNot(l.letter()) != null) {
                unreplayable.add(l);
            } else {
                todo.add(l);
            }
        }
        return new Outcome(todo, already, unreplayable, selection.unreadable());
    }

    /** Why a letter cannot be sent back as it came, or null when it can. */
    static String whyNot(final DeadLetter d) {
        if (d.originalBytes() == null) {
            return "it has no payload";
        }
        if (d.sourceTopic() == null || d.sourceTopic().isBlank()) {
            return "it does not say which topic it came from";
        }
        if (d.truncated()) {
            return "its payload was cut to fit the dead-letter topic (" + d.originalBytes().length + " of "
                    + (d.originalLength() == null ? "more" : String.valueOf(d.originalLength())) + " bytes kept)";
        }
        return null;
    }

    private KafkaClientSettings settings() {
        return KafkaClientSettings.forBootstrap(bootstrap);
    }

    private Properties producerProps() {
        final Properties p = new Properties();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, Topics.PREFIX + TRANSACTIONAL_ID);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * DeadLetter.MAX_PAYLOAD_BYTES);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "sentiment-dlq-replay");
        return p;
    }

    /**
     * Sends the letters in transactions of at most {@link #PER_TRANSACTION} (payload and ledger entry together),
     * so a large replay stays well inside the transaction timeout; a failed chunk aborts and stops the replay,
     * and the chunks before it stay done (the ledger says so).
     */
    private static void send(final KafkaProducer<byte[], byte[]> producer, final List<Letter> letters)
            throws IOException {
        for (int from = 0; from < letters.size(); from += PER_TRANSACTION) {
            final List<Letter> chunk = letters.subList(from, Math.min(letters.size(), from + PER_TRANSACTION));
            producer.beginTransaction();
            try {
                for (final Letter l : chunk) {
                    final DeadLetter d = l.letter();
                    final byte[] key = d.id() == null ? null : d.id().getBytes(StandardCharsets.UTF_8);
                    final ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(d.sourceTopic(), key,
                            d.originalBytes());
                    record.headers().add(REPLAY_HEADER, (Topics.DLQ.name() + "/" + l.partition() + "/"
                            + l.offset()).getBytes(StandardCharsets.UTF_8));
                    if (l.traceparent() != null) {
                        // The replayed review goes on in the trace it was dead-lettered in.
                        record.headers().add(RecordTracing.TRACEPARENT, l.traceparent().getBytes(StandardCharsets.UTF_8));
                    }
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
                throw new IOException("replay aborted after " + from + " of " + letters.size() + " letters (those "
                        + "are recorded as replayed; run it again for the rest): " + e.getMessage(), e);
            }
        }
    }

    /** Reads a whole topic from the beginning to the end offsets of the moment. */
    private void readAll(final Topic<?, ?> topic, final BiConsumer<ConsumerRecord<String, byte[]>, byte[]> each)
            throws IOException {
        final Properties p = new Properties();
        final boolean exists = TopicScan.readAll(settings(), p, topic.name(), TIMEOUT, r -> {
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
