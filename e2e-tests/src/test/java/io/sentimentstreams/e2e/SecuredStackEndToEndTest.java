package io.sentimentstreams.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.sentimentstreams.cli.Main;
import io.sentimentstreams.cli.run.DemoInput;
import io.sentimentstreams.cli.run.IngestClient;
import io.sentimentstreams.cli.run.ResultCollector;
import io.sentimentstreams.cli.run.Stack;
import io.sentimentstreams.cli.secure.LocalSecurity;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.kafka.KafkaClientSettings;
import io.sentimentstreams.topics.Topic;
import io.sentimentstreams.topics.TopicScan;
import io.sentimentstreams.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The system secured as on the cluster: the broker with an mTLS listener, the {@code StandardAuthorizer} and
 * exactly the ACLs of {@code deploy/k8s/base/03x-KafkaUser-*.yaml}; each service JVM connects as its own
 * KafkaUser and models are published as {@code trainer}. Reviews sent over HTTP and over {@code reviews.inbound}
 * are all labeled; a client without a certificate gets nothing; each user is refused what its manifest does not
 * grant; the written {@code client.properties} (and {@code kcat.conf}, where kcat is installed) read the results.
 */
class SecuredStackEndToEndTest {

    private static final Duration REFUSAL_TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    @Test
    void everyServiceRunsAsItsOwnKafkaUserAndWhatTheManifestsDoNotGrantIsRefused() throws Exception {
        final Path home = Repo.home();
        final Path secure = tmp.resolve("secure");
        final List<DemoInput> reviews = DemoInput.sample();
        final List<String> inbound = List.of("secured-inbound-1", "secured-inbound-2", "secured-inbound-3");
        try (PrintStream progress = new PrintStream(System.err, true, StandardCharsets.UTF_8);
             Stack stack = new Stack(home, tmp.resolve("run"), tmp.resolve("logs"), progress).secured(secure)
                     .start(Stack.shippedModels(home), Duration.ofSeconds(240));
             ResultCollector results = new ResultCollector(stack.bootstrapServers(), r -> { }, d -> { })) {
            final String bootstrap = stack.bootstrapServers();
            final LocalSecurity security = stack.security();
            for (final String module : Stack.SERVICES) {
                assertThat(security.environment(module)).as(module + " connects with its own certificate")
                        .containsEntry("KAFKA_SECURITY_PROTOCOL", "SSL")
                        .containsEntry("KAFKA_SSL_KEYSTORE_LOCATION", secure.resolve(module + ".pem").toString());
            }
            assertThat(stack.publishedModels()).as("published as trainer").isNotEmpty();

            final IngestClient client = new IngestClient(stack.service("ingest-service").baseUrl());
            assertThat(client.post(reviews, "secured-e2e")).isNull();
            try (KafkaProducer<byte[], byte[]> admin = producer(security.client(LocalSecurity.ADMIN, bootstrap))) {
                for (final String id : inbound) {
                    admin.send(new ProducerRecord<>(Topics.INBOUND.name(), Json.writeBytes(Map.of("id", id,
                            "text", "A secured and thoroughly wonderful film.", "lang", "en"))))
                            .get(30, TimeUnit.SECONDS);
                }
            }
            final int expected = reviews.size() + inbound.size();
            await().atMost(Duration.ofSeconds(240)).until(() -> results.labeled().size() >= expected);
            assertThat(results.labeled().keySet()).containsAll(reviews.stream().map(DemoInput::id).toList())
                    .containsAll(inbound).hasSize(expected);
            assertThat(results.duplicates()).isEmpty();

            // No certificate (trust only), or no TLS at all: the broker answers nothing.
            final Map<String, String> trustOnly = new HashMap<>(security.clientProperties(LocalSecurity.ADMIN));
            trustOnly.remove("ssl.keystore.type");
            trustOnly.remove("ssl.keystore.location");
            assertThat(listTopics(bootstrap, trustOnly)).as("no client certificate").isNotNull();
            assertThat(listTopics(bootstrap, Map.of("security.protocol", "PLAINTEXT"))).as("plaintext").isNotNull();
            assertThat(consumeFailure(bootstrap, trustOnly, Topics.LABELED)).as("consume without a certificate")
                    .isNotNull();

            // What each manifest leaves out is refused for that user.
            assertRefusedWrite(security.client("ingest-service", bootstrap), Topics.LABELED);
            assertRefusedRead(security.client("ingest-service", bootstrap), Topics.DLQ_REPLAYS);
            assertRefusedWrite(security.client("inference-service", bootstrap), Topics.MODELS);
            assertRefusedWrite(security.client("preprocess-service", bootstrap), Topics.LABELED);
            assertRefusedRead(security.client("trainer", bootstrap), Topics.RAW);
            assertRefusedRead(security.client("keda-lag-reader", bootstrap), Topics.LABELED);

            // The written client files read the results.
            final Set<String> read = new HashSet<>();
            assertThat(TopicScan.readAll(KafkaClientSettings.fromFile(secure.resolve("client.properties")),
                    new Properties(), Topics.LABELED.name(), Duration.ofSeconds(30), r -> read.add(r.key())))
                    .isTrue();
            assertThat(read).containsAll(results.labeled().keySet());
            kcatReads(secure.resolve("kcat.conf"), expected);

            // The CLI takes a user's file: trainer may list the models, ingest-service may not read them.
            assertThat(cli("models", "list", "--bootstrap", bootstrap, "--kafka-config",
                    secure.resolve("trainer.properties").toString())).as("trainer lists models").isZero();
            assertThat(cli("models", "list", "--bootstrap", bootstrap, "--kafka-config",
                    secure.resolve("ingest-service.properties").toString())).as("ingest lists models").isNotZero();
        } finally {
            KafkaClientSettings.uninstall();
        }
    }

    private static int cli(final String... argv) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final int code = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        System.err.println("sentiment " + String.join(" ", argv) + " -> " + code + "\n" + out);
        return code;
    }

    /** Runs the README's kcat line with kcat.conf; skipped (with a message) where kcat is not installed. */
    private static void kcatReads(final Path conf, final int expected) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/kcat"))) {
            System.err.println("kcat not installed (apt-get install -y kcat): kcat.conf not exercised");
            return;
        }
        final String bootstrap = Files.readAllLines(conf).stream().filter(l -> l.startsWith("bootstrap.servers="))
                .findFirst().orElseThrow();
        assertThat(bootstrap).isNotBlank();
        final Process p = new ProcessBuilder("/usr/bin/kcat", "-F", conf.toString(), "-C", "-t", Topics.LABELED.name(),
                "-o", "beginning", "-e", "-q", "-X", "isolation.level=read_committed").redirectErrorStream(false)
                .start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        final String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("kcat: " + err).isZero();
        assertThat(out.lines().filter(l -> l.contains("\"label\"")).count()).as(out).isGreaterThanOrEqualTo(expected);
    }

    /** The failure of listing topics with {@code props}, or null if the broker answered. */
    private static Throwable listTopics(final String bootstrap, final Map<String, String> props) {
        final Map<String, Object> c = new HashMap<>(props);
        c.put("bootstrap.servers", bootstrap);
        c.put("default.api.timeout.ms", (int) REFUSAL_TIMEOUT.toMillis());
        c.put("request.timeout.ms", 5000);
        try (Admin admin = Admin.create(c)) {
            admin.listTopics().names().get(REFUSAL_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    private static Throwable consumeFailure(final String bootstrap, final Map<String, String> props,
                                            final Topic<?, ?> topic) {
        final Map<String, Object> c = new HashMap<>(props);
        c.put("bootstrap.servers", bootstrap);
        c.put("default.api.timeout.ms", (int) REFUSAL_TIMEOUT.toMillis());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic.name(), 0)));
            consumer.seekToBeginning(consumer.assignment());
            final long deadline = System.nanoTime() + REFUSAL_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                if (!consumer.poll(Duration.ofMillis(500)).isEmpty()) {
                    return null;
                }
            }
            return new AssertionError("nothing read in " + REFUSAL_TIMEOUT);
        } catch (Exception e) {
            return e;
        }
    }

    private static void assertRefusedWrite(final KafkaClientSettings user, final Topic<?, ?> topic) throws Exception {
        final Throwable t;
        try (KafkaProducer<byte[], byte[]> producer = producer(user)) {
            t = catchThrowable(() -> producer.send(new ProducerRecord<>(topic.name(), new byte[] {'x'}))
                    .get(REFUSAL_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        }
        assertAuthorizationFailure(user, "write " + topic.name(), t);
    }

    private static void assertRefusedRead(final KafkaClientSettings user, final Topic<?, ?> topic) {
        final Map<String, Object> c = new HashMap<>(user.properties());
        c.put("default.api.timeout.ms", (int) REFUSAL_TIMEOUT.toMillis());
        final Throwable t;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic.name(), 0)));
            consumer.seekToBeginning(consumer.assignment());
            t = catchThrowable(() -> {
                final long deadline = System.nanoTime() + REFUSAL_TIMEOUT.toNanos();
                while (System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(500));
                }
            });
        }
        assertAuthorizationFailure(user, "read " + topic.name(), t);
    }

    private static void assertAuthorizationFailure(final KafkaClientSettings user, final String what,
                                                   final Throwable t) {
        final List<Throwable> chain = new ArrayList<>();
        for (Throwable c = t; c != null && !chain.contains(c); c = c.getCause()) {
            chain.add(c);
        }
        assertThat(chain).as(user.properties().get("ssl.keystore.location") + " may not " + what + ", got " + t)
                .anyMatch(c -> c instanceof AuthorizationException);
    }

    private static KafkaProducer<byte[], byte[]> producer(final KafkaClientSettings user) {
        final Map<String, Object> c = new HashMap<>(user.properties());
        c.put("acks", "all");
        c.put("max.block.ms", (int) REFUSAL_TIMEOUT.toMillis());
        c.put("delivery.timeout.ms", (int) REFUSAL_TIMEOUT.toMillis());
        c.put("request.timeout.ms", 10_000);
        return new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
