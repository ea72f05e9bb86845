package io.sentimentstreams.cli.run;

import io.sentimentstreams.broker.BrokerCluster;
import io.sentimentstreams.broker.BrokerProcess;
import io.sentimentstreams.cli.secure.LocalSecurity;
import io.sentimentstreams.kafka.KafkaClientSettings;
import io.sentimentstreams.topics.TopicAdmin;
import io.sentimentstreams.topics.Topics;
import io.sentimentstreams.trainer.Publisher;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The whole system on one host: a Kafka broker or a cluster of them (child JVMs, optionally each behind a
 * {@link io.sentimentstreams.broker.FaultProxy}, optionally secured), the catalogue topics, the shipped model
 * bundles published to {@code sentiment.models}, and the three services as separate JVMs, started in dependency
 * order with progress on stderr and stopped in reverse order. A service can run as several instances, each with
 * its own identity ({@code HOSTNAME}, from which the services derive their transactional and client ids), HTTP
 * port, work and state directory, and log file.
 */
public final class Stack implements AutoCloseable {

    public static final List<String> SERVICES = List.of("ingest-service", "preprocess-service", "inference-service");

    private final Path home;
    private final Path runDir;
    private final Path logDir;
    private final PrintStream progress;
    private int brokers = 1;
    private boolean faultProxies;
    private BrokerCluster cluster;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    /** Instances beyond the first, by module, oldest first. */
    private final Map<String, List<ServiceProcess>> extraInstances = new LinkedHashMap<>();
    /** The highest instance number used per module, so a stopped instance's identity is never reused. */
    private final Map<String, Integer> lastInstance = new LinkedHashMap<>();
    private final List<String> publishedModels = new ArrayList<>();
    private Path secureDir;
    private LocalSecurity security;
    private String otlpEndpoint;

    /**
     * @param runDir  broker data and per-service state (throw-away)
     * @param logDir  one log file per process
     */
    public Stack(final Path home, final Path runDir, final Path logDir, final PrintStream progress) {
        this.home = home;
        this.runDir = runDir;
        this.logDir = logDir;
        this.progress = progress;
    }

    /**
     * Runs the broker secured (mTLS listener, {@code StandardAuthorizer}, the ACLs of the KafkaUser manifests in
     * {@code deploy/k8s/base}) with its certificates and client files in {@code dir}; each service connects as its
     * own KafkaUser, models are published as {@code trainer}, and this JVM's other clients connect as the super user
     * {@value LocalSecurity#ADMIN}. Call before {@link #start}.
     */
    public Stack secured(final Path dir) {
        this.secureDir = dir;
        return this;
    }

    /**
     * Turns tracing on in every service, exporting OTLP over HTTP/protobuf to {@code endpoint} (a collector, Jaeger
     * or Tempo, e.g. {@code http://localhost:4318}); null keeps it off, the default. Call before {@link #start}.
     */
    public Stack withOtlp(final String endpoint) {
        this.otlpEndpoint = endpoint;
        return this;
    }

    /** How many Kafka brokers to start (default 1); replication follows the count ({@link BrokerCluster}). */
    public Stack withBrokers(final int count) {
        this.brokers = count;
        return this;
    }

    /** Puts a fault proxy in front of each broker, so the services' network can be made to fail. */
    public Stack withFaultProxies(final boolean on) {
        this.faultProxies = on;
        return this;
    }

    /** Starts everything; on failure stops what was started and rethrows. */
    public Stack start(final List<Path> modelDirs, final Duration serviceTimeout) throws Exception {
        return start(modelDirs, Map.of(), serviceTimeout);
    }

    /**
     * Starts everything, with {@code replicas} instances of the services it names (one of the others);
     * on failure stops what was started and rethrows.
     */
    public Stack start(final List<Path> modelDirs, final Map<String, Integer> replicas, final Duration serviceTimeout)
            throws Exception {
        try {
            for (final String module : SERVICES) {
                ServiceProcess.runJar(home, module);
            }
            if (secureDir != null) {
                step("certificates (a CA, the broker, one per KafkaUser)", () -> {
                    security = LocalSecurity.create(secureDir, home.resolve("deploy/k8s/base"));
                    return String.join(", ", security.userNames()) + " in " + secureDir;
                });
            }
            step((brokers == 1 ? "Kafka broker (KRaft, child JVM" : "Kafka cluster (" + brokers
                    + " KRaft nodes, child JVMs") + (security == null ? ")" : ", mTLS + ACLs)"), () -> {
                cluster = BrokerCluster.start(clusterOptions());
                return cluster.bootstrapServers() + (brokers == 1 ? ""
                        : ", active controller node " + cluster.activeController())
                        + (faultProxies ? " (through fault proxies)" : "");
            });
            if (security != null) {
                KafkaClientSettings.install(security.client(LocalSecurity.ADMIN, cluster.bootstrapServers()));
                security.writeClientFiles(cluster.bootstrapServers());
                step("ACLs of deploy/k8s/base/03x-KafkaUser-*.yaml" + (Topics.PREFIX.isEmpty() ? ""
                        : ", names prefixed " + Topics.PREFIX), () -> security.applyAcls(cluster.bootstrapServers())
                        + " bindings for " + security.users().size() + " users");
            }
            step("topics", () -> {
                TopicAdmin.createAll(cluster.bootstrapServers());
                return Topics.ALL.size() + " topics, replication factor "
                        + BrokerCluster.replicationFactor(brokers) + ", min.insync.replicas "
                        + BrokerCluster.minInsyncReplicas(brokers);
            });
            step("models", () -> {
                for (final Path dir : modelDirs) {
                    publishedModels.add(Publisher.publish(dir, publisher(), null, false).key());
                }
                return publishedModels.isEmpty() ? "none found" : String.join(", ", publishedModels);
            });
            for (final String module : SERVICES) {
                step(module, () -> {
                    final ServiceProcess svc = startService(module);
                    services.put(module, svc);
                    svc.awaitReady(serviceTimeout);
                    return svc.baseUrl() + " (pid " + svc.pid() + ")";
                });
                for (int n = 2; n <= replicas.getOrDefault(module, 1); n++) {
                    step(module + " instance " + n, () -> {
                        final ServiceProcess svc = addInstance(module, serviceTimeout);
                        return svc.baseUrl() + " (pid " + svc.pid() + ", " + svc.instance() + ")";
                    });
                }
            }
            return this;
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** Starts one service JVM on a free port. */
    public ServiceProcess startService(final String module) throws IOException {
        return startService(module, BrokerProcess.freePort());
    }

    /**
     * Starts one more instance of a service under a new identity ({@code <module>-<n>}) on a free port and
     * waits until it is ready; the group's rebalance gives it its share of the partitions.
     */
    public synchronized ServiceProcess addInstance(final String module, final Duration timeout)
            throws IOException, InterruptedException {
        final int n = lastInstance.merge(module, 2, (a, b) -> a + 1);
        final ServiceProcess svc = startInstance(module, module + "-" + n, BrokerProcess.freePort());
        extraInstances.computeIfAbsent(module, m -> new ArrayList<>()).add(svc);
        svc.awaitReady(timeout);
        return svc;
    }

    /**
     * Stops an instance started by {@link #addInstance}: SIGTERM (a clean shutdown that hands its partitions
     * over) or, with {@code crash}, SIGKILL.
     */
    public synchronized void stopInstance(final ServiceProcess svc, final boolean crash) throws InterruptedException {
        final List<ServiceProcess> extra = extraInstances.getOrDefault(svc.name(), List.of());
        if (!extra.contains(svc)) {
            throw new IllegalArgumentException(svc.instance() + " is not an added instance of this stack");
        }
        if (crash) {
            svc.kill();
        } else {
            svc.close();
        }
        extra.remove(svc);
    }

    /** Every running instance of a service, the first one first. */
    public synchronized List<ServiceProcess> instances(final String module) {
        final List<ServiceProcess> all = new ArrayList<>();
        if (services.containsKey(module)) {
            all.add(services.get(module));
        }
        all.addAll(extraInstances.getOrDefault(module, List.of()));
        return all;
    }

    /**
     * Kills ({@code kill -9}) or stops one service and starts it again on the same HTTP port, waiting
     * until it is ready; for fault tests.
     */
    public ServiceProcess restartService(final String module, final boolean crash, final Duration timeout)
            throws IOException, InterruptedException {
        final ServiceProcess old = services.get(module);
        final int port = Integer.parseInt(old.baseUrl().substring(old.baseUrl().lastIndexOf(':') + 1));
        if (crash) {
            old.kill();
        } else {
            old.close();
        }
        final ServiceProcess svc = startService(module, port);
        svc.awaitReady(timeout);
        return svc;
    }

    private ServiceProcess startService(final String module, final int httpPort) throws IOException {
        final ServiceProcess svc = startInstance(module, module, httpPort);
        services.put(module, svc);
        return svc;
    }

    /** One JVM of a service; its identity names its work directory (state survives its restarts) and log. */
    private ServiceProcess startInstance(final String module, final String instance, final int httpPort)
            throws IOException {
        final Path workDir = runDir.resolve(instance);
        Files.createDirectories(workDir);
        final Map<String, String> env = new LinkedHashMap<>();
        // The identity a pod's name gives in Kubernetes: inference's and ingest's transactional ids derive from it.
        env.put("HOSTNAME", instance);
        // This process's prefix, however it was set (variable or -Dsentiment.topic.prefix): topics, ACLs and ids agree.
        env.put("SENTIMENT_TOPIC_PREFIX", Topics.PREFIX);
        env.put("KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrapServers());
        if (security != null) {
            env.putAll(security.environment(module));
        }
        env.put("QUARKUS_KAFKA_STREAMS_BOOTSTRAP_SERVERS", cluster.bootstrapServers());
        env.put("KAFKA_STREAMS_STATE_DIR", workDir.resolve("streams-state").toString());
        env.put("SENTIMENT_WORK_DIR", workDir.toString());
        env.put("SENTIMENT_MODEL_CACHE_DIR", workDir.resolve("model-cache").toString());
        env.put("OMP_NUM_THREADS", "1");
        if (otlpEndpoint != null) {
            env.put("QUARKUS_OTEL_SDK_DISABLED", "false");
            env.put("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", otlpEndpoint);
            // A span per record: the batch processor's default 2 048-span queue would drop them under load.
            env.put("QUARKUS_OTEL_BSP_MAX_QUEUE_SIZE", "65536");
            env.put("QUARKUS_OTEL_RESOURCE_ATTRIBUTES", "service.instance.id=" + instance);
        }
        if (module.equals("ingest-service")) {
            // the address the other ingest instances forward result lookups to (the services listen on 127.0.0.1)
            env.put("SENTIMENT_INGEST_RESULTS_ADVERTISED_HOST", "127.0.0.1");
        }
        final List<String> jvm = new ArrayList<>(List.of("-Xms64m", "-Xmx" + heap(module), "-XX:+UseG1GC",
                "-Djava.io.tmpdir=" + workDir, "-Dorg.bytedeco.javacpp.nopointergc=true"));
        if (module.equals("inference-service")) {
            jvm.add("--add-modules");
            jvm.add("jdk.incubator.vector");
        }
        return ServiceProcess.start(home, module, instance, httpPort, env, jvm, logDir);
    }

    private static String heap(final String module) {
        // The fast engine serves from model.onnx without DL4J (docs/engine.md): the two shipped models fold
        // into about 50 MB of tables. G1 grows a busy service's heap to its maximum, so the maximum is what
        // the resident size follows (384m put inference at 530 MB under load; the goal is 512 MB).
        return module.equals("inference-service") ? "256m" : "384m";
    }

    /**
     * Stops the broker cleanly (or kills it) and starts it again on the same port with the same data, as an
     * operator's restart or a crash would (every node at once on a cluster); the services' clients reconnect
     * by themselves.
     */
    public void restartBroker(final boolean crash) throws IOException, InterruptedException {
        cluster.restartAll(crash);
    }

    private BrokerCluster.Options clusterOptions() {
        final BrokerCluster.Options options = BrokerCluster.Options.defaults(runDir.resolve("kafka"), brokers)
                .withFaultProxies(faultProxies);
        // On the loaded 2-core development machine a secured start once took 92 s, beyond the default 90.
        return security == null ? options
                : options.withSecurity(security.broker()).withStartTimeout(options.startTimeout().multipliedBy(2));
    }

    /** How models are published: as the trainer's KafkaUser when secured, so its ACLs are exercised too. */
    private KafkaClientSettings publisher() {
        return security == null ? KafkaClientSettings.forBootstrap(cluster.bootstrapServers())
                : security.client("trainer", cluster.bootstrapServers());
    }

    /** The certificates and client settings of a secured stack; null when it runs PLAINTEXT. */
    public LocalSecurity security() {
        return security;
    }

    /** The shipped default bundles ({@code models/*} with a {@code bundle.json}). */
    public static List<Path> shippedModels(final Path home) throws IOException {
        final Path models = home.resolve("models");
        if (!Files.isDirectory(models)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(models)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("bundle.json"))).sorted().toList();
        }
    }

    /** The bootstrap list the services use (through the fault proxies when there are any). */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** A bootstrap list that bypasses the fault proxies, for observers of a run whose network is failing. */
    public String observerBootstrapServers() {
        return cluster.directBootstrapServers();
    }

    /** The first (on a single-broker stack, the only) broker node. */
    public BrokerProcess broker() {
        return cluster.nodes().iterator().next();
    }

    public BrokerCluster cluster() {
        return cluster;
    }

    public ServiceProcess service(final String module) {
        return services.get(module);
    }

    public List<String> publishedModels() {
        return List.copyOf(publishedModels);
    }

    public Path logDir() {
        return logDir;
    }

    @Override
    public synchronized void close() {
        final List<String> names = new ArrayList<>(services.keySet());
        for (int i = names.size() - 1; i >= 0; i--) {
            final List<ServiceProcess> extra = extraInstances.getOrDefault(names.get(i), List.of());
            for (int j = extra.size() - 1; j >= 0; j--) {
                extra.get(j).close();
            }
            services.get(names.get(i)).close();
        }
        services.clear();
        extraInstances.clear();
        if (cluster != null) {
            cluster.close();
        }
        if (security != null) {
            KafkaClientSettings.uninstall();
        }
    }

    @FunctionalInterface
    private interface Step {
        String run() throws Exception;
    }

    private void step(final String what, final Step step) throws Exception {
        progress.print("  starting " + what + " ... ");
        progress.flush();
        final long t0 = System.nanoTime();
        final String result = step.run();
        progress.printf("ready in %.1f s: %s%n", (System.nanoTime() - t0) / 1e9, result);
    }
}
