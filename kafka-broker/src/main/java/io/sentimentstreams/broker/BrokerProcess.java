package io.sentimentstreams.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real Apache Kafka broker (KRaft, combined broker+controller) running in a child JVM from the
 * kafka_2.13 artifacts, alone ({@link #start}) or as one node of a {@link BrokerCluster}: formats its storage on first use, starts {@code kafka.Kafka}, and
 * reports the bootstrap address once a client can talk to it. Data survive restarts; nothing is
 * deleted unless the caller deletes the data directory itself.
 */
public final class BrokerProcess implements AutoCloseable {

    public static final int DEFAULT_PORT = 9092;
    private static final String CLASSPATH_RESOURCE = "/sentiment/broker-classpath.txt";
    private static final String CLUSTER_ID_FILE = "cluster.id";

    private final Path dataDir;
    private final NodeConfig node;
    private final Process process;
    private final Path logFile;
    private final Security security;

    private BrokerProcess(final Path dataDir, final NodeConfig node, final Process process, final Path logFile,
                          final Security security) {
        this.security = security;
        this.dataDir = dataDir;
        this.node = node;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * Settings for {@link #start}; {@code port} 0 picks a free port, a taken port falls back to a free one;
     * {@code security} null runs PLAINTEXT without authorization.
     */
    public record Options(Path dataDir, int port, String heap, Duration startTimeout, Security security) {

        public Options(final Path dataDir, final int port, final String heap, final Duration startTimeout) {
            this(dataDir, port, heap, startTimeout, null);
        }

        public static Options defaults(final Path dataDir) {
            return new Options(dataDir, DEFAULT_PORT, "768m", Duration.ofSeconds(90));
        }

        public Options withPort(final int newPort) {
            return new Options(dataDir, newPort, heap, startTimeout, security);
        }

        public Options withSecurity(final Security newSecurity) {
            return new Options(dataDir, port, heap, startTimeout, newSecurity);
        }
    }

    /**
     * One node's place in a KRaft quorum: its id, the quorum voters, its listener ports, the port clients are
     * told to use (a fault proxy's when one sits in front of it), and the replication every topic gets. A node
     * with an {@code internalPort} also listens there for other brokers and for observers that must bypass the
     * proxy; clients that connect there are told the internal addresses.
     */
    public record NodeConfig(int nodeId, String quorumVoters, int port, int controllerPort, int internalPort,
                             int advertisedPort, int replicationFactor, int minInsyncReplicas) {

        /** The single combined node of {@link #start(Options)}. */
        static NodeConfig single(final int port, final int controllerPort) {
            return new NodeConfig(1, "1@127.0.0.1:" + controllerPort, port, controllerPort, 0, port, 1, 1);
        }
    }

    /**
     * A TLS-only broker that requires client certificates (mTLS) on its client and controller listeners and
     * authorizes with KRaft's {@code StandardAuthorizer}: a client's principal is {@code User:} followed by the
     * subject of its certificate ({@code User:CN=ingest-service}), as with Strimzi's {@code tls} KafkaUsers.
     *
     * @param keystore     PKCS12 key store with the broker's key and certificate chain (its subject a super user)
     * @param truststore   PKCS12 trust store with the CA that signs client certificates
     * @param password     password of both stores
     * @param superUsers   principals allowed everything, e.g. {@code User:CN=broker}, {@code User:CN=admin}
     * @param adminClient  client properties (security and key material) of a super user, for the readiness probe
     */
    public record Security(Path keystore, Path truststore, String password, List<String> superUsers,
                           Map<String, String> adminClient) {

        public Security {
            superUsers = List.copyOf(superUsers);
            adminClient = Map.copyOf(adminClient);
        }

        List<String> serverProperties() {
            return List.of(
                    "ssl.keystore.type=PKCS12",
                    "ssl.keystore.location=" + keystore.toAbsolutePath(),
                    "ssl.keystore.password=" + password,
                    "ssl.key.password=" + password,
                    "ssl.truststore.type=PKCS12",
                    "ssl.truststore.location=" + truststore.toAbsolutePath(),
                    "ssl.truststore.password=" + password,
                    "ssl.client.auth=required",
                    "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                    "allow.everyone.if.no.acl.found=false",
                    "super.users=" + String.join(";", superUsers));
        }
    }

    /** Starts the broker and waits until it answers; throws with the tail of its log if it does not. */
    public static BrokerProcess start(final Options options) throws IOException, InterruptedException {
        final int port = options.port() > 0 && isFree(options.port()) ? options.port() : freePort();
        final BrokerProcess broker = launch(options, NodeConfig.single(port, freePort()),
                clusterId(options.dataDir().toAbsolutePath()));
        try {
            broker.awaitReady(options.startTimeout());
        } catch (IOException | RuntimeException | InterruptedException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    /**
     * Formats the node's storage on first use and starts its JVM without waiting: a node of a quorum cannot
     * answer before a majority of the voters runs, so {@link BrokerCluster} launches them all, then waits.
     */
    static BrokerProcess launch(final Options options, final NodeConfig node, final String clusterId)
            throws IOException {
        final Path dataDir = options.dataDir().toAbsolutePath();
        final Path logDir = dataDir.resolve("logs");
        final Path storage = dataDir.resolve("kraft-data");
        Files.createDirectories(logDir);
        Files.createDirectories(storage);
        final Path config = dataDir.resolve("server.properties");
        writeServerProperties(config, storage, node, options.security());
        final Path log4j = dataDir.resolve("log4j2.properties");
        writeLog4j(log4j, logDir);

        final String classpath = brokerClasspath();
        if (!Files.exists(storage.resolve("meta.properties"))) {
            final Process format = new ProcessBuilder(javaCommand(classpath, options.heap(), log4j, logDir,
                    "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString(), "--ignore-formatted"))
                    .redirectErrorStream(true)
                    .redirectOutput(logDir.resolve("format.log").toFile())
                    .start();
            try {
                if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
                    format.destroyForcibly();
                    throw new IOException("formatting Kafka storage failed; see " + logDir.resolve("format.log")
                            + ": " + tail(logDir.resolve("format.log")));
                }
            } catch (InterruptedException e) {
                format.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while formatting Kafka storage", e);
            }
        }
        final Path out = logDir.resolve("broker.out");
        final Process process = new ProcessBuilder(javaCommand(classpath, options.heap(), log4j, logDir,
                BrokerMain.class.getName(), config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        return new BrokerProcess(dataDir, node, process, out, options.security());
    }

    /** The address clients are told to use (a fault proxy's port when one sits in front of this node). */
    public String bootstrapServers() {
        return "127.0.0.1:" + node.advertisedPort();
    }

    /** The port this node's client listener is bound to. */
    public int port() {
        return node.port();
    }

    /** This node's listener that no fault proxy sits in front of (the client listener of a single broker). */
    public String directBootstrapServers() {
        return "127.0.0.1:" + (node.internalPort() > 0 ? node.internalPort() : node.port());
    }

    public int nodeId() {
        return node.nodeId();
    }

    public NodeConfig nodeConfig() {
        return node;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return logFile;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the broker process to end (e.g. after {@link #close} from another thread). */
    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    /** Stops the broker with SIGTERM (a clean shutdown), then forcibly after 30 seconds. */
    @Override
    public void close() {
        ChildProcesses.stop(process, Duration.ofSeconds(30), Duration.ofSeconds(10));
    }

    /** Sends SIGTERM without waiting, so several nodes shut down side by side; {@link #close} then waits. */
    void terminate() {
        if (process.isAlive()) {
            process.destroy();
        }
    }

    /** Kills the broker without a clean shutdown, as a crash would (for fault tests). */
    public void kill() throws InterruptedException {
        ChildProcesses.kill(process);
    }

    void awaitReady(final Duration timeout) throws IOException, InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        final Properties props = new Properties();
        if (security != null) {
            props.putAll(security.adminClient());
        }
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, directBootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        try (Admin admin = Admin.create(props)) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IOException("Kafka broker exited with code " + process.exitValue() + "; log "
                            + logFile + ":\n" + tail(logFile));
                }
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // not up yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("Kafka broker did not become ready within " + timeout.toSeconds()
                            + " s; log " + logFile + ":\n" + tail(logFile));
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
    }

    private static void writeServerProperties(final Path file, final Path storage, final NodeConfig node,
                                              final Security security) throws IOException {
        final boolean internal = node.internalPort() > 0;
        // Secured, every listener is SSL (the controller's too, mTLS with the broker's own certificate): a
        // PLAINTEXT controller or internal listener would need ANONYMOUS as a super user.
        final String client = security == null ? "PLAINTEXT" : "SSL";
        final String protocol = security == null ? "PLAINTEXT" : "SSL";
        final String rf = String.valueOf(node.replicationFactor());
        final String minIsr = String.valueOf(node.minInsyncReplicas());
        final List<String> lines = new ArrayList<>(List.of(
                "# Written by Sentiment Streams (kafka-broker) on every start; edits are overwritten.",
                "process.roles=broker,controller",
                "node.id=" + node.nodeId(),
                "controller.quorum.voters=" + node.quorumVoters(),
                "listeners=" + client + "://127.0.0.1:" + node.port()
                        + (internal ? ",INTERNAL://127.0.0.1:" + node.internalPort() : "")
                        + ",CONTROLLER://127.0.0.1:" + node.controllerPort(),
                "advertised.listeners=" + client + "://127.0.0.1:" + node.advertisedPort()
                        + (internal ? ",INTERNAL://127.0.0.1:" + node.internalPort() : ""),
                "controller.listener.names=CONTROLLER",
                // Replication between brokers must not pass through the fault proxies in front of the clients.
                "inter.broker.listener.name=" + (internal ? "INTERNAL" : client),
                "listener.security.protocol.map=" + client + ":" + protocol + ",CONTROLLER:" + protocol
                        + (internal ? ",INTERNAL:" + protocol : ""),
                "log.dirs=" + storage,
                "num.partitions=1",
                // Topics created without a replication factor (the catalogue's, Kafka Streams' internal ones)
                // and the internal topics all follow the broker count through these defaults.
                "default.replication.factor=" + rf,
                "min.insync.replicas=" + minIsr,
                "offsets.topic.replication.factor=" + rf,
                "offsets.topic.num.partitions=6",
                "transaction.state.log.replication.factor=" + rf,
                "transaction.state.log.min.isr=" + minIsr,
                "transaction.state.log.num.partitions=6",
                "share.coordinator.state.topic.replication.factor=" + rf,
                "share.coordinator.state.topic.min.isr=" + minIsr,
                "group.initial.rebalance.delay.ms=0",
                // Topics come from the catalogue; a typo must fail loudly instead of creating a topic.
                "auto.create.topics.enable=false",
                "log.retention.check.interval.ms=60000",
                "log.segment.bytes=67108864",
                "socket.request.max.bytes=134217728"));
        if (security != null) {
            lines.addAll(security.serverProperties());
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    private static void writeLog4j(final Path file, final Path logDir) throws IOException {
        final List<String> lines = List.of(
                "# Written by Sentiment Streams (kafka-broker): broker logs go to a file, warnings to stdout.",
                "appender.file.type=RollingFile",
                "appender.file.name=file",
                "appender.file.fileName=" + logDir.resolve("server.log"),
                "appender.file.filePattern=" + logDir.resolve("server.log.%i"),
                "appender.file.layout.type=PatternLayout",
                "appender.file.layout.pattern=[%d] %p %m (%c)%n",
                "appender.file.policies.type=Policies",
                "appender.file.policies.size.type=SizeBasedTriggeringPolicy",
                "appender.file.policies.size.size=20MB",
                "appender.file.strategy.type=DefaultRolloverStrategy",
                "appender.file.strategy.max=3",
                "appender.out.type=Console",
                "appender.out.name=out",
                "appender.out.layout.type=PatternLayout",
                "appender.out.layout.pattern=[%d] %p %m (%c)%n",
                "appender.out.filter.threshold.type=ThresholdFilter",
                "appender.out.filter.threshold.level=warn",
                "rootLogger.level=info",
                "rootLogger.appenderRef.file.ref=file",
                "rootLogger.appenderRef.out.ref=out");
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    private static List<String> javaCommand(final String classpath, final String heap, final Path log4j,
                                            final Path logDir, final String mainClass, final String... args) {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms128m");
        cmd.add("-Xmx" + heap);
        cmd.add("-XX:+UseG1GC");
        cmd.add("-XX:MaxGCPauseMillis=20");
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Dlog4j2.configurationFile=" + log4j.toUri());
        cmd.add("-Dkafka.logs.dir=" + logDir);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The broker's classpath: the jars recorded at build time plus this module (for BrokerMain). */
    static String brokerClasspath() throws IOException {
        final String recorded;
        try (InputStream in = BrokerProcess.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IOException("resource " + CLASSPATH_RESOURCE + " is missing: build kafka-broker first");
            }
            recorded = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        for (final String jar : recorded.split(":")) {
            if (!Files.exists(Path.of(jar))) {
                throw new IOException("Kafka broker jar missing: " + jar + " (rebuild: mvn -pl kafka-broker install)");
            }
        }
        final String self;
        try {
            self = Path.of(BrokerMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the kafka-broker classes", e);
        }
        return self + ":" + recorded;
    }

    static String clusterId(final Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        final Path file = dataDir.resolve(CLUSTER_ID_FILE);
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        final String id = Uuid.randomUuid().toString();
        Files.writeString(file, id);
        return id;
    }

    /** Whether the broker could bind {@code port}; like the broker's own bind, TIME_WAIT leftovers don't count. */
    static boolean isFree(final int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last 30 lines of a log file, for error messages. */
    public static String tail(final Path file) {
        try {
            final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
