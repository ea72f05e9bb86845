package io.sentimentstreams.broker;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.jboss.logging.Logger;

/**
 * N Kafka brokers on this host: with one node, the plain {@link BrokerProcess}; with more, N combined
 * KRaft controller+broker nodes in child JVMs sharing one cluster id and a quorum of all N, each with its own
 * ports and data directory, replication factor {@code min(N, 3)} and {@code min.insync.replicas} 2 (1 below
 * three nodes) for every topic, internal ones included. Optionally a {@link FaultProxy} sits in front of each
 * node and the node advertises the proxy's port, so every client connection passes through a proxy while the
 * brokers replicate to each other directly. Nodes are stopped, killed and restarted one by one with the same
 * ports and data, as an operator or a crash would.
 */
public final class BrokerCluster implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BrokerCluster.class);

    private final Options options;
    private final Map<Integer, BrokerProcess.NodeConfig> configs = new LinkedHashMap<>();
    private final Map<Integer, BrokerProcess> nodes = new LinkedHashMap<>();
    private final Map<Integer, FaultProxy> proxies = new LinkedHashMap<>();
    private final String clusterId;
    private Admin admin;

    /**
     * @param dataDir      one node: its data directory as for {@link BrokerProcess}; more: {@code node-<id>} in it
     * @param nodes        how many brokers (1 or more)
     * @param port         the first client-facing port (the next nodes take the following ones); 0 or a taken
     *                     port: free ones
     * @param faultProxies a {@link FaultProxy} in front of each node (its port is the one clients see)
     * @param security     every node secured as {@link BrokerProcess.Security} says (all its listeners, the
     *                     internal and controller ones too); null runs PLAINTEXT
     */
    public record Options(Path dataDir, int nodes, int port, boolean faultProxies, String heap,
                          Duration startTimeout, BrokerProcess.Security security) {

        public Options {
            if (nodes < 1) {
                throw new IllegalArgumentException("a cluster needs at least one broker, not " + nodes);
            }
        }

        public Options(final Path dataDir, final int nodes, final int port, final boolean faultProxies,
                       final String heap, final Duration startTimeout) {
            this(dataDir, nodes, port, faultProxies, heap, startTimeout, null);
        }

        /**
         * Free ports, no proxies, 768m heap for one broker and 512m per node of a cluster; a cluster node may take
         * up to 5 minutes to answer, since on a busy 2-core host a restarted node replays the metadata log and
         * catches up with every partition while the others serve (seen at well over 2 minutes).
         */
        public static Options defaults(final Path dataDir, final int nodes) {
            return new Options(dataDir, nodes, 0, false, nodes == 1 ? "768m" : "512m",
                    Duration.ofSeconds(nodes == 1 ? 120 : 300));
        }

        public Options withPort(final int newPort) {
            return new Options(dataDir, nodes, newPort, faultProxies, heap, startTimeout, security);
        }

        public Options withFaultProxies(final boolean on) {
            return new Options(dataDir, nodes, port, on, heap, startTimeout, security);
        }

        public Options withHeap(final String newHeap) {
            return new Options(dataDir, nodes, port, faultProxies, newHeap, startTimeout, security);
        }

        public Options withStartTimeout(final Duration newTimeout) {
            return new Options(dataDir, nodes, port, faultProxies, heap, newTimeout, security);
        }

        public Options withSecurity(final BrokerProcess.Security newSecurity) {
            return new Options(dataDir, nodes, port, faultProxies, heap, startTimeout, newSecurity);
        }
    }

    private BrokerCluster(final Options options, final String clusterId) {
        this.options = options;
        this.clusterId = clusterId;
    }

    /** The replication factor every topic gets on {@code nodes} brokers. */
    public static int replicationFactor(final int nodes) {
        return Math.min(nodes, 3);
    }

    /** The {@code min.insync.replicas} that goes with it: one broker may be lost without refusing writes. */
    public static int minInsyncReplicas(final int nodes) {
        return replicationFactor(nodes) >= 3 ? 2 : 1;
    }

    /** Starts every node and waits until all of them are registered brokers; stops them again on failure. */
    public static BrokerCluster start(final Options options) throws IOException, InterruptedException {
        final Path dataDir = options.dataDir().toAbsolutePath();
        final boolean plain = options.nodes() == 1 && !options.faultProxies();
        final BrokerCluster cluster = new BrokerCluster(options, plain ? null : BrokerProcess.clusterId(dataDir));
        try {
            if (plain) {
                final BrokerProcess broker = BrokerProcess.start(new BrokerProcess.Options(dataDir, options.port(),
                        options.heap(), options.startTimeout(), options.security()));
                cluster.configs.put(broker.nodeId(), broker.nodeConfig());
                cluster.nodes.put(broker.nodeId(), broker);
                return cluster;
            }
            cluster.plan();
            for (final int id : cluster.configs.keySet()) {
                cluster.nodes.put(id, BrokerProcess.launch(cluster.nodeOptions(id), cluster.configs.get(id),
                        cluster.clusterId));
            }
            for (final BrokerProcess node : cluster.nodes.values()) {
                node.awaitReady(options.startTimeout());
            }
            cluster.awaitRegistered(options.nodes(), options.startTimeout());
            return cluster;
        } catch (IOException | RuntimeException | InterruptedException e) {
            cluster.close();
            throw e;
        }
    }

    /** Ports for every node (kept for the cluster's lifetime, so a restarted node keeps its place). */
    private void plan() throws IOException {
        final int n = options.nodes();
        final int rf = replicationFactor(n);
        final int minIsr = minInsyncReplicas(n);
        final List<Integer> controllerPorts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            controllerPorts.add(BrokerProcess.freePort());
        }
        final String voters = java.util.stream.IntStream.range(0, n)
                .mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerPorts.get(i))
                .collect(Collectors.joining(","));
        for (int i = 0; i < n; i++) {
            final int id = i + 1;
            final int wanted = options.port() > 0 ? options.port() + i : 0;
            final int facing = wanted > 0 && BrokerProcess.isFree(wanted) ? wanted : BrokerProcess.freePort();
            int listener = facing;
            int advertised = facing;
            if (options.faultProxies()) {
                final FaultProxy proxy = FaultProxy.start(facing, BrokerProcess.freePort());
                proxies.put(id, proxy);
                listener = proxy.upstreamPort();
                advertised = proxy.port();
            }
            configs.put(id, new BrokerProcess.NodeConfig(id, voters, listener, controllerPorts.get(i),
                    BrokerProcess.freePort(), advertised, rf, minIsr));
        }
    }

    private BrokerProcess.Options nodeOptions(final int id) {
        return new BrokerProcess.Options(options.dataDir().toAbsolutePath().resolve("node-" + id), 0, options.heap(),
                options.startTimeout(), options.security());
    }

    public int size() {
        return options.nodes();
    }

    public Set<Integer> nodeIds() {
        return Set.copyOf(configs.keySet());
    }

    /** The comma-separated addresses clients use (the fault proxies' when there are any). */
    public String bootstrapServers() {
        return configs.values().stream().map(c -> "127.0.0.1:" + c.advertisedPort())
                .collect(Collectors.joining(","));
    }

    /**
     * Addresses that bypass the fault proxies (each node's internal listener), for observers that must see the
     * cluster while the clients' network fails; the same as {@link #bootstrapServers} without proxies.
     */
    public String directBootstrapServers() {
        return configs.values().stream()
                .map(c -> "127.0.0.1:" + (c.internalPort() > 0 ? c.internalPort() : c.advertisedPort()))
                .collect(Collectors.joining(","));
    }

    /** The node's current process (a stopped node's last one). */
    public BrokerProcess node(final int id) {
        final BrokerProcess node = nodes.get(id);
        if (node == null) {
            throw new IllegalArgumentException("no broker node " + id + " (nodes: " + configs.keySet() + ")");
        }
        return node;
    }

    public Collection<BrokerProcess> nodes() {
        return List.copyOf(nodes.values());
    }

    /** The proxy in front of node {@code id}, or null when the cluster runs without proxies. */
    public FaultProxy proxy(final int id) {
        return proxies.get(id);
    }

    public List<FaultProxy> proxies() {
        return List.copyOf(proxies.values());
    }

    public boolean isAlive(final int id) {
        return node(id).isAlive();
    }

    /** Stops node {@code id} cleanly (SIGTERM, controlled shutdown). */
    public void stop(final int id) {
        node(id).close();
    }

    /** Kills node {@code id} with SIGKILL, as a crash would. */
    public void kill(final int id) throws InterruptedException {
        node(id).kill();
    }

    /** Starts a stopped or killed node again with its ports and data and waits until it answers. */
    public void restart(final int id) throws IOException, InterruptedException {
        final BrokerProcess old = node(id);
        if (old.isAlive()) {
            old.close();
        }
        if (configs.size() == 1 && proxies.isEmpty()) {
            final BrokerProcess broker = BrokerProcess.start(new BrokerProcess.Options(old.dataDir(), old.port(),
                    options.heap(), options.startTimeout(), options.security()));
            nodes.put(id, broker);
            if (broker.port() != old.port()) {
                throw new IOException("broker came back on port " + broker.port() + " instead of " + old.port());
            }
            return;
        }
        final BrokerProcess node = BrokerProcess.launch(nodeOptions(id), configs.get(id), clusterId);
        nodes.put(id, node);
        node.awaitReady(options.startTimeout());
    }

    /** Stops (or kills) every node at once and starts them all again, as a restart of the whole cluster. */
    public void restartAll(final boolean crash) throws IOException, InterruptedException {
        if (crash) {
            for (final BrokerProcess node : nodes.values()) {
                node.kill();
            }
        } else {
            stopAll();
        }
        if (configs.size() == 1 && proxies.isEmpty()) {
            restart(configs.keySet().iterator().next());
            return;
        }
        for (final int id : configs.keySet()) {
            nodes.put(id, BrokerProcess.launch(nodeOptions(id), configs.get(id), clusterId));
        }
        for (final BrokerProcess node : nodes.values()) {
            node.awaitReady(options.startTimeout());
        }
        awaitRegistered(configs.size(), options.startTimeout());
    }

    /** The node id of the active controller (the leader of the KRaft metadata quorum). */
    public int activeController() throws InterruptedException {
        try {
            return admin().describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).leaderId();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe the metadata quorum: " + e.getMessage(), e);
        }
    }

    /** The node leading {@code topic}'s partition {@code partition}, or -1 when it has no leader. */
    public int leaderOf(final String topic, final int partition) throws InterruptedException {
        final TopicPartitionInfo info = describe(List.of(topic)).get(topic).partitions().get(partition);
        return info.leader() == null ? -1 : info.leader().id();
    }

    /** How many partitions of {@code topics} node {@code id} leads. */
    public int leaderships(final int id, final Collection<String> topics) throws InterruptedException {
        int n = 0;
        for (final TopicDescription d : describe(topics).values()) {
            for (final TopicPartitionInfo p : d.partitions()) {
                if (p.leader() != null && p.leader().id() == id) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * Waits until every partition of every topic (internal ones included) has a leader and its full replica set
     * in sync, as a rolling restart must before it takes the next node down.
     */
    public void awaitFullIsr(final Duration timeout) throws InterruptedException, TimeoutException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        String lagging = "";
        while (System.nanoTime() < deadline) {
            try {
                final Set<String> topics = admin().listTopics(new ListTopicsOptions().listInternal(true)).names()
                        .get(10, TimeUnit.SECONDS);
                lagging = underReplicated(describe(topics).values());
                if (lagging.isEmpty()) {
                    return;
                }
            } catch (ExecutionException | TimeoutException | IllegalStateException e) {
                lagging = e.getMessage();
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        throw new TimeoutException("partitions not fully in sync after " + timeout.toSeconds() + " s: " + lagging);
    }

    private static String underReplicated(final Collection<TopicDescription> descriptions) {
        final List<String> out = new ArrayList<>();
        for (final TopicDescription d : descriptions) {
            for (final TopicPartitionInfo p : d.partitions()) {
                if (p.leader() == null || p.leader().id() < 0 || p.isr().size() < p.replicas().size()) {
                    out.add(d.name() + "-" + p.partition() + " isr " + p.isr().size() + "/" + p.replicas().size());
                }
            }
        }
        return out.size() > 5 ? String.join(", ", out.subList(0, 5)) + " and " + (out.size() - 5) + " more"
                : String.join(", ", out);
    }

    private Map<String, TopicDescription> describe(final Collection<String> topics) throws InterruptedException {
        try {
            return admin().describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe topics " + topics + ": " + e.getMessage(), e);
        }
    }

    private void awaitRegistered(final int brokers, final Duration timeout) throws IOException, InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (System.nanoTime() < deadline) {
            try {
                seen = admin().describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
                if (seen >= brokers) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                // not all up yet
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new IOException(seen + " of " + brokers + " brokers registered within " + timeout.toSeconds() + " s");
    }

    private synchronized Admin admin() {
        if (admin == null) {
            final Properties props = new Properties();
            if (options.security() != null) {
                props.putAll(options.security().adminClient());
            }
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, directBootstrapServers());
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
            props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
            admin = Admin.create(props);
        }
        return admin;
    }

    /** SIGTERM to every node at once (a quorum that loses nodes one by one would slow the last ones down). */
    private void stopAll() {
        for (final BrokerProcess node : nodes.values()) {
            node.terminate();
        }
        for (final BrokerProcess node : nodes.values()) {
            node.close();
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
                admin = null;
            }
        }
        stopAll();
        proxies.values().forEach(FaultProxy::close);
        LOG.debugf("broker cluster %s stopped", clusterId);
    }
}
