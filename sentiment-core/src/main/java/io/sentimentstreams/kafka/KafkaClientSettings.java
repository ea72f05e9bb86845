package io.sentimentstreams.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The connection and security settings of a Kafka client (bootstrap servers, {@code security.protocol},
 * {@code ssl.*}, {@code sasl.*} and any other standard client property), in one of the forms the project's
 * processes receive them: a Quarkus service's {@code kafka.*} configuration (the {@code default-kafka-broker}
 * map), {@code KAFKA_*} environment variables, or a Java client properties file ({@code --kafka-config}).
 * {@link KafkaClients} builds every client from one of these, so what a deployment mounts is what every client
 * uses.
 *
 * <p>Environment variables map as Quarkus maps them: drop {@code KAFKA_}, lower-case, underscores become
 * dots ({@code KAFKA_SSL_KEYSTORE_LOCATION} is {@code ssl.keystore.location}). Only connection keys are taken
 * from the environment ({@code bootstrap.servers}, {@code client.dns.lookup}, {@code security.protocol},
 * {@code security.providers}, {@code ssl.*}, {@code sasl.*}), so unrelated variables such as
 * {@code KAFKA_STREAMS_STATE_DIR} never reach a client.
 */
public final class KafkaClientSettings {

    /** Environment variable naming a client properties file, read after the {@code KAFKA_*} variables. */
    public static final String CONFIG_FILE_ENV = "SENTIMENT_KAFKA_CONFIG";
    public static final String BOOTSTRAP = "bootstrap.servers";

    private static volatile KafkaClientSettings installed;

    private final Map<String, String> properties;

    private KafkaClientSettings(final Map<String, String> properties) {
        this.properties = Map.copyOf(properties);
    }

    /** Every entry of {@code config} (a Quarkus service's {@code default-kafka-broker} map), as strings. */
    public static KafkaClientSettings of(final Map<String, ?> config) {
        final Map<String, String> p = new TreeMap<>();
        config.forEach((k, v) -> {
            if (v != null) {
                p.put(k, String.valueOf(v));
            }
        });
        return new KafkaClientSettings(p);
    }

    /** The connection keys among {@code KAFKA_*} variables of {@code env}. */
    public static KafkaClientSettings fromEnvironment(final Map<String, String> env) {
        final Map<String, String> p = new TreeMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith("KAFKA_") && value != null) {
                final String key = name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
                if (isConnectionKey(key)) {
                    p.put(key, value);
                }
            }
        });
        return new KafkaClientSettings(p);
    }

    /** Every property of a Java client properties file (as kafka-console-consumer reads it). */
    public static KafkaClientSettings fromFile(final Path file) throws IOException {
        final Properties loaded = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            loaded.load(in);
        }
        final Map<String, String> p = new TreeMap<>();
        loaded.stringPropertyNames().forEach(k -> p.put(k, loaded.getProperty(k).trim()));
        return new KafkaClientSettings(p);
    }

    /**
     * This process's settings: what {@link #install} was given (the CLI's {@code --kafka-config}), else the
     * {@code KAFKA_*} environment variables overlaid with the file named by {@value #CONFIG_FILE_ENV}.
     */
    public static KafkaClientSettings process() {
        final KafkaClientSettings chosen = installed;
        if (chosen != null) {
            return chosen;
        }
        final KafkaClientSettings env = fromEnvironment(System.getenv());
        final String file = System.getenv(CONFIG_FILE_ENV);
        if (file == null || file.isBlank()) {
            return env;
        }
        try {
            return env.overlay(fromFile(Path.of(file.trim())));
        } catch (IOException e) {
            throw new IllegalStateException(CONFIG_FILE_ENV + "=" + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The process's settings with {@code bootstrap} as the servers: what a command given {@code --bootstrap} uses. */
    public static KafkaClientSettings forBootstrap(final String bootstrap) {
        return process().withBootstrap(bootstrap);
    }

    /** Makes {@code settings} (over the environment's) what {@link #process()} answers from now on. */
    public static void install(final KafkaClientSettings settings) {
        installed = fromEnvironment(System.getenv()).overlay(settings);
    }

    /** Forgets {@link #install}ed settings (tests). */
    public static void uninstall() {
        installed = null;
    }

    public KafkaClientSettings withBootstrap(final String bootstrap) {
        final Map<String, String> p = new TreeMap<>(properties);
        p.put(BOOTSTRAP, bootstrap);
        return new KafkaClientSettings(p);
    }

    /** These settings with every entry of {@code other} on top. */
    public KafkaClientSettings overlay(final KafkaClientSettings other) {
        final Map<String, String> p = new TreeMap<>(properties);
        p.putAll(other.properties);
        return new KafkaClientSettings(p);
    }

    /** All properties, connection keys and client tuning alike. */
    public Map<String, String> properties() {
        return properties;
    }

    /** The connection keys only: these win over anything a call site sets (see {@link KafkaClients}). */
    public Map<String, String> connection() {
        final Map<String, String> p = new TreeMap<>();
        properties.forEach((k, v) -> {
            if (isConnectionKey(k)) {
                p.put(k, v);
            }
        });
        return p;
    }

    public String bootstrap() {
        final String b = properties.get(BOOTSTRAP);
        if (b == null || b.isBlank()) {
            throw new IllegalStateException("no Kafka bootstrap servers: set KAFKA_BOOTSTRAP_SERVERS, "
                    + "kafka.bootstrap.servers or --bootstrap");
        }
        return b;
    }

    public String securityProtocol() {
        return properties.getOrDefault("security.protocol", "PLAINTEXT");
    }

    /** For logs: the servers, the protocol and which key and trust material is configured, never a secret. */
    public String describe() {
        final StringBuilder s = new StringBuilder(properties.getOrDefault(BOOTSTRAP, "(no bootstrap)"))
                .append(' ').append(securityProtocol());
        for (final String key : new String[] {"ssl.keystore.type", "ssl.keystore.location", "ssl.truststore.location",
                "sasl.mechanism"}) {
            if (properties.containsKey(key)) {
                s.append(' ').append(key).append('=').append(properties.get(key));
            }
        }
        return s.toString();
    }

    /** Whether {@code key} is about where and how to connect, as opposed to tuning one client. */
    public static boolean isConnectionKey(final String key) {
        return key.equals(BOOTSTRAP) || key.equals("client.dns.lookup") || key.equals("security.protocol")
                || key.equals("security.providers") || key.startsWith("ssl.") || key.startsWith("sasl.");
    }

    @Override
    public String toString() {
        return "KafkaClientSettings[" + describe() + "]";
    }
}
