package io.sentimentstreams.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientsTest {

    /** Kafka client constructions that bypass the one client configuration. */
    private static final Pattern CONSTRUCTION = Pattern.compile(
            "new\\s+(?:[\\w.]+\\.)?Kafka(Producer|Consumer|Streams)\\s*<|new\\s+(?:[\\w.]+\\.)?KafkaStreams\\s*\\("
                    + "|\\bAdmin(Client)?\\s*\\.\\s*create\\s*\\(");
    /**
     * The factory itself, and the broker's own readiness probe: kafka-broker ships without sentiment-core (it
     * is the broker's launcher, not a client of the system) and probes with the client properties its caller's
     * {@code Options} give it.
     */
    private static final Set<String> ALLOWED = Set.of(
            "sentiment-core/src/main/java/io/sentimentstreams/kafka/KafkaClients.java",
            "kafka-broker/src/main/java/io/sentimentstreams/broker/BrokerProcess.java",
            "kafka-broker/src/main/java/io/sentimentstreams/broker/BrokerCluster.java");
    /**
     * Kafka Streams applications built by hand (sentiment-core has no Kafka Streams dependency, so the factory
     * cannot build them): their configuration must come from {@link KafkaClients#config}.
     */
    private static final Set<String> STREAMS_FROM_FACTORY_CONFIG = Set.of(
            "ingest-service/src/main/java/io/sentimentstreams/ingest/results/ResultsStore.java");

    @TempDir
    Path dir;

    @AfterEach
    void forget() {
        KafkaClientSettings.uninstall();
    }

    @Test
    void everyKafkaClientInMainCodeIsBuiltByTheFactory() throws IOException {
        final Path root = Path.of("").toAbsolutePath().getParent();
        assertThat(root.resolve("pom.xml")).as("repository root").exists();
        final List<String> offenders = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Files.walk(root)) {
            for (final Path file : files.filter(KafkaClientsTest::isMainJava).toList()) {
                scanned++;
                final String rel = root.relativize(file).toString().replace('\\', '/');
                final String text = Files.readString(file, StandardCharsets.UTF_8);
                final Matcher m = CONSTRUCTION.matcher(text);
                while (m.find()) {
                    final boolean streamsFromFactoryConfig = STREAMS_FROM_FACTORY_CONFIG.contains(rel)
                            && m.group().startsWith("new KafkaStreams") && text.contains("KafkaClients.config(");
                    if (!ALLOWED.contains(rel) && !streamsFromFactoryConfig) {
                        final int line = text.substring(0, m.start()).split("\n", -1).length;
                        offenders.add(rel + ":" + line + ": " + m.group());
                    }
                }
            }
        }
        assertThat(scanned).as("main sources scanned").isGreaterThan(100);
        assertThat(offenders).as("Kafka clients created outside KafkaClients (use KafkaClients.producer/consumer/"
                + "admin with a KafkaClientSettings)").isEmpty();
    }

    @Test
    void thePatternCatchesEveryFormOfConstruction() {
        for (final String code : List.of("new KafkaProducer<>(p)", "new KafkaConsumer<String, byte[]>(p)",
                "Admin.create(props)", "AdminClient.create(props)", "new KafkaStreams(topology, props)",
                "new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(p)",
                "org.apache.kafka.clients.admin.Admin.create(p)")) {
            assertThat(CONSTRUCTION.matcher(code).find()).as(code).isTrue();
        }
        assertThat(CONSTRUCTION.matcher("KafkaClients.producer(settings, p, k, v)").find()).isFalse();
    }

    @Test
    void environmentVariablesMapAsQuarkusMapsThemAndOnlyConnectionKeysAreTaken() {
        final KafkaClientSettings s = KafkaClientSettings.fromEnvironment(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "kafka:9093",
                "KAFKA_SECURITY_PROTOCOL", "SSL",
                "KAFKA_SSL_KEYSTORE_TYPE", "PKCS12",
                "KAFKA_SSL_KEYSTORE_LOCATION", "/etc/kafka-user/user.p12",
                "KAFKA_SASL_JAAS_CONFIG", "x required;",
                "KAFKA_STREAMS_STATE_DIR", "/tmp/state",
                "PATH", "/bin"));
        assertThat(s.properties()).containsOnly(
                Map.entry("bootstrap.servers", "kafka:9093"),
                Map.entry("security.protocol", "SSL"),
                Map.entry("ssl.keystore.type", "PKCS12"),
                Map.entry("ssl.keystore.location", "/etc/kafka-user/user.p12"),
                Map.entry("sasl.jaas.config", "x required;"));
    }

    @Test
    void connectionKeysOfTheSettingsWinOverTheCallSite() {
        final KafkaClientSettings s = KafkaClientSettings.of(Map.of("bootstrap.servers", "a:1",
                "security.protocol", "SSL", "ssl.truststore.location", "/ca.p12", "request.timeout.ms", 3000));
        final Map<String, Object> c = KafkaClients.config(s, Map.of("security.protocol", "PLAINTEXT",
                "bootstrap.servers", "elsewhere:9", "request.timeout.ms", "15000", "acks", "all"));
        assertThat(c).containsEntry("security.protocol", "SSL")
                .containsEntry("bootstrap.servers", "a:1")
                .containsEntry("ssl.truststore.location", "/ca.p12")
                .containsEntry("request.timeout.ms", "15000")
                .containsEntry("acks", "all");
    }

    @Test
    void aPropertiesFileIsReadWholeAndInstalledOverTheEnvironment() throws IOException {
        final Path file = dir.resolve("client.properties");
        Files.writeString(file, "security.protocol=SSL\nssl.keystore.type=PEM\nssl.keystore.location=/k.pem\n");
        KafkaClientSettings.install(KafkaClientSettings.fromFile(file));
        final KafkaClientSettings s = KafkaClientSettings.forBootstrap("127.0.0.1:9");
        assertThat(s.properties()).containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.keystore.type", "PEM")
                .containsEntry("bootstrap.servers", "127.0.0.1:9");
        assertThat(s.describe()).contains("SSL").contains("/k.pem").doesNotContain("password");
    }

    @Test
    void noBootstrapIsAClearError() {
        assertThatThrownBy(() -> KafkaClients.config(KafkaClientSettings.of(Map.of()), Map.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
    }

    private static boolean isMainJava(final Path p) {
        final String s = p.toString().replace('\\', '/');
        return s.endsWith(".java") && s.contains("/src/main/java/") && !s.contains("/target/")
                && !s.contains("/.sentiment/") && !s.contains("/node_modules/");
    }
}
