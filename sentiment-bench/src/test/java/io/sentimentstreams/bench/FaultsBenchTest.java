package io.sentimentstreams.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentstreams.cli.CliCapture;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.run.ResultCollector;
import java.util.List;
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
    void longestStallIsTheWidestGapBeforeAndBetweenLabelsInTheWindow() {
        final long s = 1_000_000_000L;
        // from 10 s to 30 s: 1 s before the first label, 12.5 s between the second and third, idle after the last
        final List<Long> arrivals = List.of(5 * s, 11 * s, 12 * s, 24 * s + s / 2, 25 * s);
        assertThat(ResultCollector.longestStall(arrivals, 10 * s, 30 * s)).isEqualTo(12.5);
        assertThat(ResultCollector.longestStall(List.of(), 10 * s, 30 * s)).as("nothing labeled").isEqualTo(20.0);
    }
}
