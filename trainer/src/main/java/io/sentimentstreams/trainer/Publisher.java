package io.sentimentstreams.trainer;

import io.sentimentstreams.bundle.BundleArchive;
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
import java.util.stream.Stream;
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

    public static Published publish(final Path bundleDir, final String bootstrap, final Integer version,
                                    final boolean createTopics) throws IOException, BundleException {
        final ModelBundle original = ModelBundle.load(bundleDir);
        if (createTopics) {
            try {
                TopicAdmin.createAll(bootstrap, (short) 1);
            } catch (Exception e) {
                throw new IOException("cannot create topics on " + bootstrap + ": " + e.getMessage(), e);
            }
        }
        final String name = original.manifest().name();
        final int v = version != null ? version : original.manifest().version();
        final Path staging = Files.createTempDirectory("publish-" + name + "-");
        try {
            final ModelBundle bundle = v == original.manifest().version() ? original : restamp(original, v, staging);
            final String key = name + "@" + v;
            final String onTopic = digestsOnTopic(bootstrap).get(key);
            if (bundle.digest().equals(onTopic)) {
                return new Published(key, v, bundle.digest(), 0, -1, -1, true);
            }
            if (onTopic != null) {
                throw new VersionTakenException(key + " is already on " + Topics.MODELS.name() + " as another bundle "
                        + "(digest " + onTopic + "; this one is " + bundle.digest() + "); a version names one bundle "
                        + "everywhere, so publish this one under a new version (--version next, or --version N)");
            }
            final byte[] archive = BundleArchive.pack(bundle);
            if (archive.length > Topics.MODEL_MAX_BYTES) {
                throw new IOException("bundle archive is " + archive.length + " bytes, more than the topic's "
                        + Topics.MODEL_MAX_BYTES);
            }
            final ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.MODELS.name(), key, archive);
            record.headers().add(BundleArchive.DIGEST_HEADER, bundle.digest().getBytes(StandardCharsets.UTF_8));
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(bootstrap))) {
                final RecordMetadata md = producer.send(record).get(TIMEOUT.toSeconds(),
                        java.util.concurrent.TimeUnit.SECONDS);
                return new Published(key, v, bundle.digest(), archive.length, md.partition(), md.offset(), false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while publishing " + key, e);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                final Throwable cause = e.getCause() == null ? e : e.getCause();
                throw new IOException("publishing " + key + " to " + bootstrap + " failed: " + cause.getMessage(),
                        cause);
            }
        } finally {
            deleteTree(staging);
        }
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

    static Properties producerProps(final String bootstrap) {
        final Properties p = new Properties();
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

    /** The largest version of {@code name} on the topic (0 when there is none), read from the beginning. */
    public static int newestVersion(final String bootstrap, final String name) throws IOException {
        int newest = 0;
        for (final String key : digestsOnTopic(bootstrap).keySet()) {
            newest = Math.max(newest, versionOf(key, name));
        }
        return newest;
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
        try {
            TopicScan.readAll(p, Topics.MODELS.name(), TIMEOUT, r -> {
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

    private static void deleteTree(final Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary copy is harmless.
        }
    }
}
