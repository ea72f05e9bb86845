package io.sentimentstreams.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.cli.run.ServiceProcess;
import io.sentimentstreams.cli.run.Stack;
import io.sentimentstreams.json.Json;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code ./sentiment bench faults} scenarios of instances that come and go, on whatever broker(s) the
 * stack runs: the stack and the progress of the review stream in, the scaling steps performed (with when
 * they happened, in seconds and reviews sent) out.
 * <ul>
 *   <li>{@code scale-out-in}: a 2nd and then a 3rd instance of preprocess and inference join while reviews
 *       stream, then the 3rd and then the 2nd stop (SIGTERM);</li>
 *   <li>{@code kill-in-rebalance}: a 2nd instance of each joins and is killed (SIGKILL) the moment it is
 *       ready, while the group is still moving partitions to it; the first instances take over once the
 *       broker notices (the consumer session timeout).</li>
 * </ul>
 */
final class ScaleFaults {

    static final List<String> SCENARIOS = List.of("scale-out-in", "kill-in-rebalance");
    static final List<String> SCALED = List.of("preprocess-service", "inference-service");
    /** How long the stream should last so the scaling steps (JVM starts of several seconds each) happen in it. */
    private static final Duration STREAM = Duration.ofSeconds(300);
    private static final int BATCH = 50;
    private static final Duration READY = Duration.ofSeconds(600);

    private ScaleFaults() {
    }

    /** Pause after each batch of {@value #BATCH} a sender posts, so that the stream lasts about {@link #STREAM}. */
    static long senderPauseMillis(final String scenario, final int total, final int senders) {
        if (!SCENARIOS.contains(scenario)) {
            return 0;
        }
        final int batches = Math.max(1, (total + BATCH - 1) / BATCH);
        return STREAM.toMillis() * senders / batches;
    }

    /** Performs the scenario's steps while the senders run; returns what was done and when. */
    static ObjectNode inject(final Stack stack, final String scenario, final int total, final AtomicInteger progress,
                             final PrintStream err) throws Exception {
        final Timeline timeline = new Timeline(progress, err, scenario);
        switch (scenario) {
            case "scale-out-in" -> {
                final List<ServiceProcess> added = new ArrayList<>();
                awaitProgress(progress, total / 5);
                added.addAll(timeline.add(stack));
                awaitProgress(progress, 2 * total / 5);
                added.addAll(timeline.add(stack));
                awaitProgress(progress, 3 * total / 5);
                timeline.stop(stack, added.subList(2, 4), false);
                awaitProgress(progress, 4 * total / 5);
                timeline.stop(stack, added.subList(0, 2), false);
            }
            case "kill-in-rebalance" -> {
                awaitProgress(progress, total / 4);
                // Ready means polling for inference (its first poll joins the group) and RUNNING for Kafka
                // Streams, after which the new member's tasks are still being moved over (warm-up, follow-up
                // rebalances): either way the group is rebalancing when the kill lands.
                timeline.stop(stack, timeline.add(stack), true);
            }
            default -> throw new IllegalStateException(scenario);
        }
        final ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("steps", timeline.steps);
        return out;
    }

    private static void awaitProgress(final AtomicInteger progress, final int target) throws InterruptedException {
        while (progress.get() < target) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** The steps taken, each with the second it ended (from the scenario start) and the reviews sent by then. */
    private static final class Timeline {

        private final AtomicInteger progress;
        private final PrintStream err;
        private final String scenario;
        private final long t0 = System.nanoTime();
        private final ArrayNode steps = Json.MAPPER.createArrayNode();

        Timeline(final AtomicInteger progress, final PrintStream err, final String scenario) {
            this.progress = progress;
            this.err = err;
            this.scenario = scenario;
        }

        /** One more instance of each scaled service, started side by side; returns them once all are ready. */
        List<ServiceProcess> add(final Stack stack) throws Exception {
            final long start = System.nanoTime();
            final ExecutorService pool = Executors.newFixedThreadPool(SCALED.size());
            final List<ServiceProcess> added = new ArrayList<>();
            try {
                final List<Future<ServiceProcess>> starts = new ArrayList<>();
                for (final String module : SCALED) {
                    starts.add(pool.submit(() -> stack.addInstance(module, READY)));
                }
                for (final Future<ServiceProcess> f : starts) {
                    try {
                        added.add(f.get());
                    } catch (ExecutionException e) {
                        throw e.getCause() instanceof Exception cause ? cause : e;
                    }
                }
            } finally {
                pool.shutdown();
            }
            record("added", added, start);
            return added;
        }

        void stop(final Stack stack, final List<ServiceProcess> instances, final boolean crash)
                throws InterruptedException {
            final long start = System.nanoTime();
            for (final ServiceProcess svc : instances) {
                stack.stopInstance(svc, crash);
            }
            record(crash ? "killed (SIGKILL)" : "stopped (SIGTERM)", instances, start);
        }

        private void record(final String what, final List<ServiceProcess> instances, final long start) {
            final ObjectNode step = steps.addObject();
            step.put("step", what);
            final ArrayNode names = step.putArray("instances");
            instances.forEach(i -> names.add(i.instance()));
            step.put("took_s", seconds(System.nanoTime() - start));
            step.put("at_s", seconds(System.nanoTime() - t0));
            step.put("sent_by_then", progress.get());
            err.printf("[%s] %s %s in %.1f s (%d reviews sent so far)%n", scenario, what,
                    instances.stream().map(ServiceProcess::instance).toList(), (System.nanoTime() - start) / 1e9,
                    progress.get());
        }

        private static double seconds(final long nanos) {
            return Math.round(nanos / 1e8) / 10.0;
        }
    }
}
