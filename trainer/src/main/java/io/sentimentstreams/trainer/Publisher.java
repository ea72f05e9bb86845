package io.sentimentstreams.trainer;

import io.sentimentstreams.bundle.BundleArchive;
import io.sentimentstreams.bundle.BundleDirs;
import io.sentimentstreams.bundle.BundleException;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.json.Json;
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

    /** Publishes under the bundle's own version, or {@code version} when given (re-stamping the bundle). */
    public static Published publish(final Path bundleDir, final String bootstrap, final Integer version,
                                    final boolean createTopics) throws IOException, BundleException {
        return publish(bundleDir, bootstrap, version, false, createTopics);
    }

    /**
     * Publishes under the newest version of the bundle's name on the topic + 1; when the newest already is this
     * bundle (a retry after a lost answer), nothing is sent and that version is reported.
     */
    public static Published publishNext(final Path bundleDir, final String bootstrap, final boolean createTopics)
            throws IOException, BundleException {
        return publish(bundleDir, bootstrap, null, true, createTopics);
    }

    private static Published publish(final Path bundleDir, final String bootstrap, final Integer version,
                                     final boolean next, final boolean createTopics)
            throws IOException, BundleException {
        final ModelBundle original = ModelBundle.load(bundleDir);
        if (createTopics) {
            try {
                TopicAdmin.createAll(bootstrap);
            } catch (Exception e) {
                throw new IOException("cannot create topics on " + bootstrap + ": " + e.getMessage(), e);
            }
        }
        final String name = original.manifest().name();
        final Path staging = Files.createTempDirectory("publish-" + name + "-");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(bootstrap, name))) {
            // One transactional id per model name: a publish of this name still open is fenced (and aborts), one
            // that committed is visible to the scan below, so the check and the send cannot interleave with it.
            producer.initTransactions();
            final Map<String, String> onTopic = digestsOnTopic(bootstrap);
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

    static Properties producerProps(final String bootstrap, final String name) {
        final Properties p = new Properties();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, Topics.PREFIX + "sentiment-publish-" + name);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
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
    static Map<String, String> digestsOnTopic(final String bootstrap) throws IOException {
        final Map<String, String> digests = new HashMap<>();
        held(bootstrap).forEach(h -> digests.put(h.key(), h.digest()));
        return digests;
    }

    /**
     * The bundles the topic holds now, by key in name then version order, read from the beginning to the end
     * offsets of the moment (for each key its latest record; a tombstone removes its key).
     */
    public static List<Held> held(final String bootstrap) throws IOException {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MODEL_MAX_BYTES);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Topics.MODEL_MAX_BYTES);
        final Map<String, Held> held = new HashMap<>();
        final boolean exists;
        try {
            exists = TopicScan.readAll(p, Topics.MODELS.name(), TIMEOUT, r -> {
                if (r.key() == null) {
                    return;
                }
                if (r.value() == null) {
                    held.remove(r.key());
                    return;
                }
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
        return held.values().stream().sorted(Comparator.comparing((Held h) -> nameOf(h.key()))
                .thenComparingInt(h -> versionOf(h.key(), nameOf(h.key())))).toList();
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
