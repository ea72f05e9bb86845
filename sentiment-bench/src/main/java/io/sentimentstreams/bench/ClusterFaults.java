package io.sentimentstreams.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.broker.BrokerCluster;
import io.sentimentstreams.broker.BrokerFaults;
import io.sentimentstreams.cli.run.Stack;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.topics.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The scenarios of {@code ./sentiment bench faults --cluster} that break the brokers or the network rather than a
 * service: a scenario name and the running 3-node stack (fault proxies in front of each broker) in, the fault
 * injected, held and undone through {@link BrokerFaults}, and what was done as JSON out; {@link FaultsBench} does
 * the streaming and the accounting around it.
 */
final class ClusterFaults {

    static final List<String> SCENARIOS = List.of("kill-leader", "rolling-restart", "latency", "stall", "resets");

    /** How long the killed leader stays down before it is started again. */
    static final Duration LEADER_DOWN = Duration.ofSeconds(10);
    static final Duration LATENCY = Duration.ofMillis(500);
    static final Duration LATENCY_FOR = Duration.ofSeconds(20);
    static final Duration STALL_FOR = Duration.ofSeconds(10);
    static final Duration RESET_EVERY = Duration.ofSeconds(3);
    static final Duration RESETS_FOR = Duration.ofSeconds(30);

    /** The topics whose leaders carry the pipeline: the node leading most of them is the one killed. */
    private static final List<String> PIPELINE = List.of(Topics.RAW.name(), Topics.ENCODED.name(),
            Topics.LABELED.name());

    private ClusterFaults() {
    }

    static boolean handles(final String scenario) {
        return SCENARIOS.contains(scenario);
    }

    /** Injects the scenario's fault, waits it out, undoes it; returns what was done. */
    static ObjectNode inject(final Stack stack, final String scenario, final PrintStream err) throws Exception {
        final BrokerCluster cluster = stack.cluster();
        if (cluster.size() < 3 || cluster.proxies().isEmpty()) {
            throw new IllegalStateException(scenario + " needs the 3-node cluster behind fault proxies (--cluster)");
        }
        final ObjectNode fault = Json.MAPPER.createObjectNode();
        fault.put("controller_before", cluster.activeController());
        switch (scenario) {
            case "kill-leader" -> {
                final BrokerFaults.Killed killed = BrokerFaults.killLeader(cluster, PIPELINE, LEADER_DOWN);
                fault.put("killed_node", killed.node());
                fault.put("killed_was_controller", killed.wasController());
                fault.put("killed_leaderships", killed.leaderships());
                fault.put("down_seconds", LEADER_DOWN.toSeconds());
            }
            case "rolling-restart" -> BrokerFaults.rollingRestart(cluster);
            case "latency" -> {
                BrokerFaults.latency(cluster.proxies(), LATENCY, LATENCY_FOR);
                fault.put("latency_ms", LATENCY.toMillis());
                fault.put("for_seconds", LATENCY_FOR.toSeconds());
            }
            case "stall" -> {
                BrokerFaults.stall(cluster.proxies(), STALL_FOR);
                fault.put("for_seconds", STALL_FOR.toSeconds());
            }
            case "resets" -> {
                fault.put("connections_reset", BrokerFaults.resets(cluster.proxies(), RESET_EVERY, RESETS_FOR));
                fault.put("every_seconds", RESET_EVERY.toSeconds());
                fault.put("for_seconds", RESETS_FOR.toSeconds());
            }
            default -> throw new IllegalStateException(scenario);
        }
        fault.put("controller_after", cluster.activeController());
        err.printf("[%s] fault done: %s%n", scenario, Json.write(fault));
        return fault;
    }
}
