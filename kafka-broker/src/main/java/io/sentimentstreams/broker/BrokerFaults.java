package io.sentimentstreams.broker;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The faults a {@link BrokerCluster} and its {@link FaultProxy}s can suffer, each as one call that injects the
 * fault, holds it for its duration, and undoes it (a killed node is started again, a stalled network resumes):
 * shared by {@code ./sentiment bench faults --cluster} and the end-to-end tests, so both inject the same thing.
 */
public final class BrokerFaults {

    private static final Logger LOG = Logger.getLogger(BrokerFaults.class);

    private BrokerFaults() {
    }

    /** What {@link #killLeader} did: the node killed and whether it was also the active controller. */
    public record Killed(int node, boolean wasController, int leaderships) {
    }

    /**
     * Kills ({@code kill -9}) the node that leads the most partitions of {@code topics}, keeps it down for
     * {@code down} while the other nodes serve, then starts it again and waits until every partition is fully
     * in sync again, as a supervisor restarting a crashed broker would.
     */
    public static Killed killLeader(final BrokerCluster cluster, final Collection<String> topics, final Duration down)
            throws IOException, InterruptedException, TimeoutException {
        int target = -1;
        int most = -1;
        for (final int id : cluster.nodeIds()) {
            final int n = cluster.leaderships(id, topics);
            if (n > most) {
                most = n;
                target = id;
            }
        }
        final boolean controller = cluster.activeController() == target;
        LOG.infof("killing broker node %d (leader of %d partitions%s)", target, most,
                controller ? ", active controller" : "");
        cluster.kill(target);
        TimeUnit.NANOSECONDS.sleep(down.toNanos());
        cluster.restart(target);
        cluster.awaitFullIsr(Duration.ofSeconds(180));
        return new Killed(target, controller, most);
    }

    /**
     * Restarts every node in turn with SIGTERM (a controlled shutdown), each only once all partitions are fully
     * in sync again, as a rolling upgrade does.
     */
    public static void rollingRestart(final BrokerCluster cluster) throws IOException, InterruptedException,
            TimeoutException {
        for (final int id : cluster.nodeIds().stream().sorted().toList()) {
            cluster.awaitFullIsr(Duration.ofSeconds(180));
            LOG.infof("rolling restart: node %d", id);
            cluster.stop(id);
            cluster.restart(id);
        }
        cluster.awaitFullIsr(Duration.ofSeconds(180));
    }

    /** Adds {@code latency} to every chunk through every proxy, in each direction, for {@code duration}. */
    public static void latency(final List<FaultProxy> proxies, final Duration latency, final Duration duration)
            throws InterruptedException {
        requireProxies(proxies);
        try {
            proxies.forEach(p -> p.latency(latency));
            TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        } finally {
            proxies.forEach(p -> p.latency(Duration.ZERO));
        }
    }

    /** Stops all traffic through every proxy for {@code duration}; connections stay open. */
    public static void stall(final List<FaultProxy> proxies, final Duration duration) throws InterruptedException {
        requireProxies(proxies);
        try {
            proxies.forEach(FaultProxy::stall);
            TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        } finally {
            proxies.forEach(FaultProxy::resume);
        }
    }

    /** Resets every open connection through every proxy once per {@code every} for {@code duration}; returns how many. */
    public static int resets(final List<FaultProxy> proxies, final Duration every, final Duration duration)
            throws InterruptedException {
        requireProxies(proxies);
        final long end = System.nanoTime() + duration.toNanos();
        int n = 0;
        while (System.nanoTime() < end) {
            for (final FaultProxy p : proxies) {
                n += p.resetConnections();
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(every.toNanos(), Math.max(0, end - System.nanoTime())));
        }
        return n;
    }

    private static void requireProxies(final List<FaultProxy> proxies) {
        if (proxies.isEmpty()) {
            throw new IllegalStateException("network faults need fault proxies in front of the brokers");
        }
    }
}
