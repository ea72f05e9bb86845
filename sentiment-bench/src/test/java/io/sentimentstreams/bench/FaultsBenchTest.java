package io.sentimentstreams.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentstreams.cli.CliCapture;
import io.sentimentstreams.cli.Command;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parts of {@code bench faults} that need no running system: its options and the stall figure. */
class FaultsBenchTest {

    private final CliCapture cli = new CliCapture();

    @Test
    void clusterScenariosNeedTheClusterFlag() {
        assertThat(cli.run("bench", "faults", "--scenarios", "kill-leader")).isEqualTo(Command.USAGE);
        assertThat(cli.err()).contains("scenario kill-leader needs --cluster");
    }

    @Test
    void helpNamesTheClusterScenarios() {
        assertThat(cli.run("bench", "faults", "--help")).isZero();
        assertThat(cli.out()).contains("--cluster", "kill-leader", "rolling-restart", "latency", "stall", "resets");
    }

    @Test
    void longestStallIsTheWidestGapBetweenConsecutiveLabelsOfTheScenario() {
        final long s = 1_000_000_000L;
        final Map<String, Long> arrivals = Map.of(
                "stall-0", 10 * s, "stall-1", 11 * s, "stall-2", 23 * s + s / 2, "stall-3", 24 * s,
                // another scenario's label inside the gap does not shorten it
                "latency-0", 15 * s);
        assertThat(FaultsBench.longestStall(arrivals, "stall-")).isEqualTo(12.5);
        assertThat(FaultsBench.longestStall(Map.of("x-0", s), "x-")).isZero();
    }
}
