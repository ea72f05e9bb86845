package io.sentimentstreams.cli.secure;

import io.sentimentstreams.broker.BrokerProcess;
import io.sentimentstreams.kafka.KafkaClientSettings;
import io.sentimentstreams.kafka.KafkaClients;
import io.sentimentstreams.topics.Topics;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;

/**
 * Everything a local secured broker and its clients need, written to one directory at start: a fresh CA
 * ({@code ca.crt}), the broker's key store, and for the launcher's super user {@value #ADMIN} and every
 * KafkaUser of the Kubernetes base a certificate and key in PEM ({@code <user>.crt}, {@code <user>.key}, both in
 * {@code <user>.pem} for Java's PEM key store) and a Java client properties file ({@code <user>.properties});
 * {@code client.properties} and {@code kcat.conf} connect as {@value #ADMIN}. Each service JVM gets its own
 * user's settings as the standard {@code KAFKA_*} variables ({@link #environment}).
 */
public final class LocalSecurity {

    /** The launcher's own user: a super user, like the cluster operator's, never given to a service. */
    public static final String ADMIN = "admin";
    static final String BROKER = "broker";

    private final Path dir;
    private final List<KafkaUserAcls> users;
    private final String storePassword;

    private LocalSecurity(final Path dir, final List<KafkaUserAcls> users, final String storePassword) {
        this.dir = dir;
        this.users = users;
        this.storePassword = storePassword;
    }

    /**
     * Reads the KafkaUser manifests in {@code k8sBase} (with this process's topic prefix, {@link Topics#PREFIX}, in
     * front of every ACL name), generates the CA and every certificate, and writes them
     * to {@code dir} (replacing what an earlier start wrote there).
     */
    public static LocalSecurity create(final Path dir, final Path k8sBase) throws IOException {
        return create(dir, k8sBase, Topics.PREFIX);
    }

    /** As {@link #create(Path, Path)}, with the ACL names of an install whose topic prefix is {@code topicPrefix}. */
    public static LocalSecurity create(final Path dir, final Path k8sBase, final String topicPrefix) throws IOException {
        final List<KafkaUserAcls> users = KafkaUserAcls.read(k8sBase, topicPrefix);
        for (final KafkaUserAcls u : users) {
            if (!"tls".equals(u.authentication())) {
                throw new IOException("KafkaUser " + u.user() + " authenticates with '" + u.authentication()
                        + "'; the local secured broker issues client certificates (tls) only");
            }
        }
        Files.createDirectories(dir);
        final byte[] pw = new byte[16];
        new SecureRandom().nextBytes(pw);
        final LocalSecurity security = new LocalSecurity(dir, users, HexFormat.of().formatHex(pw));
        try {
            security.generate();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot generate the local certificates: " + e.getMessage(), e);
        }
        return security;
    }

    private void generate() throws GeneralSecurityException, IOException {
        final LocalCa ca = LocalCa.create("sentiment-local-ca");
        write("ca.crt", LocalCa.pem("CERTIFICATE", ca.certificate().getEncoded()));
        final KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        store(trust, "truststore.p12");
        final LocalCa.Issued broker = ca.issue(BROKER, true);
        final KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry(BROKER, broker.key(), storePassword.toCharArray(),
                new Certificate[] {broker.certificate(), ca.certificate()});
        store(keys, "broker.p12");
        for (final String user : userNames()) {
            final LocalCa.Issued issued = ca.issue(user, false);
            final String crt = LocalCa.pem("CERTIFICATE", issued.certificate().getEncoded())
                    + LocalCa.pem("CERTIFICATE", ca.certificate().getEncoded());
            final String key = LocalCa.pem("PRIVATE KEY", issued.key().getEncoded());
            write(user + ".crt", crt);
            write(user + ".key", key);
            write(user + ".pem", key + crt);
        }
    }

    /** The admin user and every KafkaUser, in manifest order. */
    public List<String> userNames() {
        final List<String> names = new ArrayList<>();
        names.add(ADMIN);
        users.forEach(u -> names.add(u.user()));
        return names;
    }

    public List<KafkaUserAcls> users() {
        return users;
    }

    public Path dir() {
        return dir;
    }

    /** The broker's TLS listener, client authentication, authorizer and super users (the broker and admin). */
    public BrokerProcess.Security broker() {
        return new BrokerProcess.Security(dir.resolve("broker.p12"), dir.resolve("truststore.p12"), storePassword,
                List.of(KafkaUserAcls.principal(BROKER), KafkaUserAcls.principal(ADMIN)), clientProperties(ADMIN));
    }

    /** The Java client properties of {@code user} (no bootstrap). */
    public Map<String, String> clientProperties(final String user) {
        final Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", "SSL");
        p.put("ssl.keystore.type", "PEM");
        p.put("ssl.keystore.location", dir.resolve(user + ".pem").toAbsolutePath().toString());
        p.put("ssl.truststore.type", "PEM");
        p.put("ssl.truststore.location", dir.resolve("ca.crt").toAbsolutePath().toString());
        return p;
    }

    /** {@code user}'s client settings on {@code bootstrap}. */
    public KafkaClientSettings client(final String user, final String bootstrap) {
        return KafkaClientSettings.of(clientProperties(user)).withBootstrap(bootstrap);
    }

    /** {@code user}'s settings as the {@code KAFKA_*} variables a service (or the CLI) reads. */
    public Map<String, String> environment(final String user) {
        final Map<String, String> env = new LinkedHashMap<>();
        clientProperties(user).forEach((k, v) -> env.put("KAFKA_" + k.toUpperCase(java.util.Locale.ROOT)
                .replace('.', '_'), v));
        return env;
    }

    /** Grants, as admin, every ACL of every KafkaUser manifest; returns how many bindings were created. */
    public int applyAcls(final String bootstrap) throws IOException, InterruptedException {
        final List<AclBinding> all = new ArrayList<>();
        users.forEach(u -> all.addAll(u.bindings()));
        try (Admin admin = KafkaClients.admin(client(ADMIN, bootstrap), Map.of())) {
            admin.createAcls(all).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("cannot create the KafkaUser ACLs on " + bootstrap + ": "
                    + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        }
        return all.size();
    }

    /**
     * Writes {@code <user>.properties} for every user and {@code client.properties} (Java clients such as
     * kafka-console-consumer, and {@code ./sentiment --kafka-config}) and {@code kcat.conf} (librdkafka) for admin.
     */
    public void writeClientFiles(final String bootstrap) throws IOException {
        for (final String user : userNames()) {
            write(user + ".properties", properties(user, bootstrap));
        }
        write("client.properties", properties(ADMIN, bootstrap));
        write("kcat.conf", "# kcat -F " + dir.resolve("kcat.conf") + " ... (librdkafka names; connects as " + ADMIN
                + ")\nbootstrap.servers=" + bootstrap + "\nsecurity.protocol=ssl\nssl.ca.location="
                + dir.resolve("ca.crt").toAbsolutePath() + "\nssl.certificate.location="
                + dir.resolve(ADMIN + ".crt").toAbsolutePath() + "\nssl.key.location="
                + dir.resolve(ADMIN + ".key").toAbsolutePath() + "\n");
    }

    private String properties(final String user, final String bootstrap) {
        final StringBuilder s = new StringBuilder("# Kafka client settings of " + KafkaUserAcls.principal(user)
                + " for the local secured broker; written by ./sentiment up --secure.\n");
        s.append("bootstrap.servers=").append(bootstrap).append('\n');
        clientProperties(user).forEach((k, v) -> s.append(k).append('=').append(v).append('\n'));
        return s.toString();
    }

    private void write(final String name, final String text) throws IOException {
        final Path file = dir.resolve(name);
        if ((name.endsWith(".key") || name.endsWith(".pem"))
                && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            // Owner-only from the moment it exists: a key must never be readable by others, even briefly.
            Files.deleteIfExists(file);
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
        if (name.endsWith(".key") || name.endsWith(".pem")) {
            ownerOnly(file);
        }
    }

    private static void ownerOnly(final Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }

    private void store(final KeyStore ks, final String name) throws GeneralSecurityException, IOException {
        try (OutputStream out = Files.newOutputStream(dir.resolve(name))) {
            ks.store(out, storePassword.toCharArray());
        }
        ownerOnly(dir.resolve(name));
    }
}
