package io.sentimentstreams.broker;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Stopping a child process the launcher started: the process and how long it may take in, the process ended
 * (or given up on) out; shared by {@link BrokerProcess} and the launcher's service processes.
 */
public final class ChildProcesses {

    /** How long a forcibly killed process gets to be reaped before the caller moves on. */
    private static final Duration REAP = Duration.ofSeconds(10);

    private ChildProcesses() {
    }

    /**
     * SIGTERM, so the child shuts down cleanly; SIGKILL when it has not ended within {@code grace}, waiting up
     * to {@code reap} more. An interrupt kills at once and keeps the thread's interrupt flag.
     */
    public static void stop(final Process process, final Duration grace, final Duration reap) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(reap.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL without a clean shutdown, as a crash would, then waits until the process is reaped. */
    public static void kill(final Process process) throws InterruptedException {
        process.destroyForcibly().waitFor(REAP.toMillis(), TimeUnit.MILLISECONDS);
    }
}
