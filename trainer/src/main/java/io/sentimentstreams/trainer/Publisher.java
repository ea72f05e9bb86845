package io.sentimentstreams.trainer;

import io.sentimentstreams.bundle.BundleArchive;
import io.sentimentstreams.bundle.BundleDirs;
import io.sentimentstreams.bundle.BundleException;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.kafka.KafkaClientSettings;
import io.sentimentstreams.kafka.KafkaClients;
import io.sentimentstreams.rollout.RolloutRecords;
import io.sentimentstreams.rollout.RolloutRole;
import io.sentimentstreams.topics.TopicAdmin;
import io.sentimentstreams.topics.TopicScan;
import io.sentimentstreams.topics.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A bundle directory and a broker in; one record on {@code sentiment.models} out: key {@code name@version},
 * value the {@link BundleArchive} zip, header {@value BundleArchive#DIGEST_HEADER} = sha256 of the
 * published bundle.json. The version is the one written in the bundle unless another is given, in which case
 * the bundle is re-stamped with it (only bundle.json changes, so its digest changes too). A name@version the
 * topic already holds with the same digest is not sent again (publishing is idempotent); one it holds with
 * another digest is refused, so a version means the same bundle everywhere.
 */
public final class Publisher {

    /**
     * What was sent where; {@code alreadyPublished} when the topic held this very bundle already and nothing was
     * sent (partition and offset are then -1).
     */
    public record Published(String key, int version, String digest, int bytes, int partition, long offset,
                            boolean alreadyPublished) {
    }

    /** A bundle refused because the topic holds another bundle under the same name and version. */
    public static final class VersionTakenException extends IOException {
        public VersionTakenException(final String message) {
            super(message);
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Publisher() {
    }

    /** A bundle's rollout role as published: live (no role header) or a shadow or canary candidate. */
    public record Role(RolloutRole role, int percent) {
        public static final Role LIVE = new Role(RolloutRole.LIVE, 0);
    }

    /** As {@link #publish(Path, String, Integer, boolean)} in {@code role}; {@code next} takes the newest + 1. */
    public static Published publish(final Path bundleDir, final KafkaClientSettings kafka, final Integer version,
                                    final boolean next, final boolean createTopics, final Role role)
            throws IOException, BundleException {
        return publishAs(bundleDir, kafka, version, next, createTopics, role);
    }

    /** Publishes under the bundle's own version, or {@code version} when given (re-stamping the bundle). */
    public static Published publish(final Path bundleDir, final String bootstrap, final Integer version,
                                    final boolean createTopics) throws IOException, BundleException {
        return publish(bundleDir, KafkaClientSettings.forBootstrap(bootstrap), version, createTopics);
    }

    /** As {@link #publish(Path, String, Integer, boolean)}, connecting with {@code kafka}. */
    public static Published publish(final Path bundleDir, final KafkaClientSettings kafka, final Integer version,
                                    final boolean createTopics) throws IOException, BundleException {
        return publish(bundleDir, kafka, version, false, createTopics);
    }

    /**
     * Publishes under the newest version of the bundle's name on the topic + 1; when the newest already is this
     * bundle (a retry after a lost answer), nothing is sent and that version is reported.
     */
    public static Published publishNext(final Path bundleDir, final String bootstrap, final boolean createTopics)
            throws IOException, BundleException {
        return publish(bundleDir, KafkaClientSettings.forBootstrap(bootstrap), null, true, createTopics);
    }

    private static Published publish(final Path bundleDir, final KafkaClientSettings kafka, final Integer version,
                                     final boolean next, final boolean createTopics)
            throws IOException, BundleException {
        return publishAs(bundleDir, kafka, version, next, createTopics, Role.LIVE);
    }

    private static Published publishAs(final Path bundleDir, final KafkaClientSettings kafka, final Integer version,
                                       final boolean next, final boolean createTopics, final Role role)
            throws IOException, BundleException {
        final String bootstrap = kafka.bootstrap();
        final ModelBundle original = ModelBundle.load(bundleDir);
        if (createTopics) {
            try {
                TopicAdmin.createAll(kafka);
            } catch (Exception e) {
                throw new IOException("cannot create topics on " + bootstrap + ": " + e.getMessage(), e);
            }
        }
        final String name = original.manifest().name();
        final Path staging = Files.createTempDirectory("publish-" + name + "-");
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(kafka, producerProps(name),
                null, null)) {
            // One transactional id per model name: a publish of this name still open is fenced (and aborts), one
            // that committed is visible to the scan below, so the check and the send cannot interleave with it.
            producer.initTransactions();
            final Map<String, String> onTopic = digestsOnTopic(kafka);
            final int newest = onTopic.keySet().stream().mapToInt(k -> versionOf(k, name)).max().orElse(0);
            if (next && newest > 0) {
                final ModelBundle asNewest = stamped(original, newest, staging.resolve("newest"));
                if (asNewest.digest().equals(onTopic.get(name + "@" + newest))) {
                    return new Published(name + "@" + newest, newest, asNewest.digest(), 0, -1, -1, true);
                }
            }
            final int v = next ? newest + 1 : version != null ? version : original.manifest().version();
            final ModelBundle bundle = stamped(original, v, staging.resolve("v" + v));
            final String key = name + "@" + v;
            final String held = onTopic.get(key);
            if (bundle.digest().equals(held)) {
                return new Published(key, v, bundle.digest(), 0, -1, -1, true);
            }
            if (held != null) {
                throw new VersionTakenException(key + " is already on " + Topics.MODELS.name() + " as another bundle "
                        + "(digest " + held + "; this one is " + bundle.digest() + "); a version names one bundle "
                        + "everywhere, so publish this one under a new version (--version next, or --version N)");
            }
            final byte[] archive = BundleArchive.pack(bundle);
            if (archive.length > Topics.MODEL_MAX_BYTES) {
                throw new IOException("bundle archive is " + archive.length + " bytes, more than the topic's "
                        + Topics.MODEL_MAX_BYTES);
            }
            final ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.MODELS.name(), key, archive);
            record.headers().add(BundleArchive.DIGEST_HEADER, bundle.digest().getBytes(StandardCharsets.UTF_8));
            record.headers().add(RolloutRecords.LANG_HEADER,
                    bundle.manifest().lang().wireName().getBytes(StandardCharsets.UTF_8));
            if (role.role() != RolloutRole.LIVE) {
                // No role header means live: the meaning of every bundle published before rollouts.
                record.headers().add(RolloutRecords.ROLE_HEADER, role.role().wireName().getBytes(StandardCharsets.UTF_8));
                record.headers().add(RolloutRecords.PERCENT_HEADER,
                        Integer.toString(role.percent()).getBytes(StandardCharsets.UTF_8));
            }
            producer.beginTransaction();
            final java.util.concurrent.Future<RecordMetadata> sent = producer.send(record);
            producer.commitTransaction();
            final RecordMetadata md = sent.get();
            return new Published(key, v, bundle.digest(), archive.length, md.partition(), md.offset(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while publishing " + name, e);
        } catch (java.util.concurrent.ExecutionException | org.apache.kafka.common.KafkaException e) {
            final Throwable cause = e.getCause() != null && e instanceof java.util.concurrent.ExecutionException
                    ? e.getCause() : e;
            throw new IOException("publishing " + name + " to " + bootstrap + " failed, nothing was published: "
                    + cause.getMessage(), cause);
        } finally {
            BundleDirs.delete(staging, (path, e) -> { });
        }
    }

    /** The bundle itself when it already carries {@code version}, else a copy re-stamped with it in {@code dir}. */
    private static ModelBundle stamped(final ModelBundle original, final int version, final Path dir)
            throws IOException, BundleException {
        if (version == original.manifest().version()) {
            return original;
        }
        Files.createDirectories(dir);
        return restamp(original, version, dir);
    }

    /** A copy of {@code b} in {@code dir} whose bundle.json carries {@code version}. */
    static ModelBundle restamp(final ModelBundle b, final int version, final Path dir)
            throws IOException, BundleException {
        for (final String f : b.manifest().files().keySet()) {
            Files.copy(b.file(f), dir.resolve(f));
        }
        final BundleManifest m = b.manifest().withVersion(version);
        Files.write(dir.resolve(BundleManifest.FILE), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
        return ModelBundle.load(dir);
    }

    static Properties producerProps(final String name) {
        final Properties p = new Properties();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, Topics.PREFIX + "sentiment-publish-" + name);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // A bundle is one large record: the request and the producer's buffer must both hold it.
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MODEL_MAX_BYTES);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, (long) Topics.MODEL_MAX_BYTES * 2);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "sentiment-publish");
        return p;
    }

    /** One bundle the topic holds: its key, digest header ("" when it has none), size and place. */
    public record Held(String key, String digest, int bytes, int partition, long offset, long timestamp) {
    }

    /** Every key the topic holds now with the digest header of its latest record (a tombstone removes its key). */
    static Map<String, String> digestsOnTopic(final KafkaClientSettings kafka) throws IOException {
        final Map<String, String> digests = new HashMap<>();
        held(kafka).forEach(h -> digests.put(h.key(), h.digest()));
        return digests;
    }

    /**
     * The bundles the topic holds now, by key in name then version order, read from the beginning to the end
     * offsets of the moment (for each key its latest record; a tombstone removes its key).
     */
    public static List<Held> held(final String bootstrap) throws IOException {
        return held(KafkaClientSettings.forBootstrap(bootstrap));
    }

    /** As {@link #held(String)}, connecting with {@code kafka}. */
    public static List<Held> held(final KafkaClientSettings kafka) throws IOException {
        return onTopic(kafka).live();
    }

    /** A name@version whose latest record is a tombstone: retired, still visible until compaction removes it. */
    public record Retired(String key, int partition, long offset, long timestamp) {
    }

    /** What the models topic holds: live bundles and retired versions, each in name then version order. */
    public record OnTopic(List<Held> live, List<Retired> retired) {
    }

    /** The topic read from the beginning to the end offsets of the moment (for each key its latest record). */
    public static OnTopic onTopic(final String bootstrap) throws IOException {
        return onTopic(KafkaClientSettings.forBootstrap(bootstrap));
    }

    /** As {@link #onTopic(String)}, connecting with {@code kafka}. */
    public static OnTopic onTopic(final KafkaClientSettings kafka) throws IOException {
        final String bootstrap = kafka.bootstrap();
        final Properties p = new Properties();
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MODEL_MAX_BYTES);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Topics.MODEL_MAX_BYTES);
        final Map<String, Held> held = new HashMap<>();
        final Map<String, Retired> retired = new HashMap<>();
        final boolean exists;
        try {
            exists = TopicScan.readAll(kafka, p, Topics.MODELS.name(), TIMEOUT, r -> {
                if (r.key() == null || RolloutRecords.isRolloutKey(r.key())) {
                    return;
                }
                if (r.value() == null) {
                    held.remove(r.key());
                    retired.put(r.key(), new Retired(r.key(), r.partition(), r.offset(), r.timestamp()));
                    return;
                }
                retired.remove(r.key());
                final Header h = r.headers().lastHeader(BundleArchive.DIGEST_HEADER);
                held.put(r.key(), new Held(r.key(), h == null ? "" : new String(h.value(), StandardCharsets.UTF_8),
                        r.value().length, r.partition(), r.offset(), r.timestamp()));
            });
        } catch (IOException e) {
            throw new IOException(e.getMessage() + " (on " + bootstrap + ")", e);
        }
        if (!exists) {
            throw new IOException("topic " + Topics.MODELS.name() + " does not exist on " + bootstrap
                    + " (./sentiment topics --bootstrap " + bootstrap + " creates the catalogue)");
        }
        final Comparator<String> byRef = Comparator.comparing(Publisher::nameOf)
                .thenComparingInt(k -> versionOf(k, nameOf(k)));
        return new OnTopic(held.values().stream().sorted(Comparator.comparing(Held::key, byRef)).toList(),
                retired.values().stream().sorted(Comparator.comparing(Retired::key, byRef)).toList());
    }

    /** A retirement refused: the version is unknown, already retired, or the newest live one without force. */
    public static final class RetireRefusedException extends IOException {
        public RetireRefusedException(final String message) {
            super(message);
        }
    }

    /**
     * Writes the tombstone for {@code ref} on the models topic (services stop using the version and delete it
     * once nothing uses it). Refused for a version the topic does not hold live, and, unless {@code force}, for
     * the newest live version of its name (the one that serves, unless it is a shadow or canary candidate), the
     * version a language's rollout serves as live, and the only one left: roll back with {@code ./sentiment
     * rollback}, or retire the newer one explicitly with force.
     *
     * @return the tombstone as written (its offset)
     */
    public static Retired retire(final String bootstrap, final io.sentimentstreams.contracts.ModelRef ref,
                                 final boolean force) throws IOException {
        final String name = ref.name();
        final String key = ref.toString();
        final KafkaClientSettings kafka = KafkaClientSettings.forBootstrap(bootstrap);
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(kafka, producerProps(name), null, null)) {
            // The transactional id of publish for this name: a publish of it still open is fenced, so the check
            // below sees every committed version and no publish interleaves with the tombstone.
            producer.initTransactions();
            final OnTopic now = onTopic(kafka);
            final List<Held> live = now.live().stream().filter(h -> nameOf(h.key()).equals(name)).toList();
            if (live.stream().noneMatch(h -> h.key().equals(key))) {
                if (now.retired().stream().anyMatch(r -> r.key().equals(key))) {
                    throw new RetireRefusedException(key + " is already retired");
                }
                throw new RetireRefusedException(key + " is not on " + Topics.MODELS.name() + (live.isEmpty()
                        ? " (no version of " + name + " is)" : "; live versions of " + name + ": "
                        + live.stream().map(Held::key).toList()));
            }
            final int newest = live.stream().mapToInt(h -> versionOf(h.key(), name)).max().orElse(0);
            if (!force && live.size() == 1) {
                throw new RetireRefusedException(key + " is the only live version of " + name + ": retiring it leaves"
                        + " its language without a model (--force retires it anyway)");
            }
            // What serves is the language's rollout: a newer shadow, canary or rolled-back version does not.
            final java.util.Optional<io.sentimentstreams.rollout.Rollout> liveIn = RolloutPublisher.read(kafka)
                    .values().stream().filter(r -> ref.equals(r.live())).findFirst();
            if (!force && liveIn.isPresent()) {
                final io.sentimentstreams.rollout.Rollout r = liveIn.get();
                final String successor = r.previous() != null ? r.previous().toString() : name + "@" + live.stream()
                        .mapToInt(h -> versionOf(h.key(), name)).filter(v -> v != ref.version()).max().orElse(0);
                throw new RetireRefusedException(key + (ref.version() == newest ? " is the newest live version of "
                        + name + ", the one that serves" : " is live for " + r.lang() + " (" + r + ")")
                        + "; retiring it rolls back to " + successor + " (./sentiment rollback --lang " + r.lang()
                        + " does that without dead letters; --force to retire it anyway)");
            }
            producer.beginTransaction();
            final java.util.concurrent.Future<RecordMetadata> sent = producer.send(
                    new ProducerRecord<>(Topics.MODELS.name(), key, null));
            producer.commitTransaction();
            final RecordMetadata md = sent.get();
            return new Retired(key, md.partition(), md.offset(), md.timestamp());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while retiring " + key, e);
        } catch (java.util.concurrent.ExecutionException | org.apache.kafka.common.KafkaException e) {
            final Throwable cause = e.getCause() != null && e instanceof java.util.concurrent.ExecutionException
                    ? e.getCause() : e;
            throw new IOException("retiring " + key + " on " + bootstrap + " failed, nothing was written: "
                    + cause.getMessage(), cause);
        }
    }

    private static String nameOf(final String key) {
        final int at = key.lastIndexOf('@');
        return at < 0 ? key : key.substring(0, at);
    }

    /** The version in a {@code name@version} key when the name matches, else 0. */
    static int versionOf(final String key, final String name) {
        if (key == null) {
            return 0;
        }
        final int at = key.lastIndexOf('@');
        if (at <= 0 || !key.substring(0, at).equals(name)) {
            return 0;
        }
        try {
            return Integer.parseInt(key.substring(at + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
