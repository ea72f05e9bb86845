package io.sentimentstreams.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code ./sentiment} for tests: argv in, through {@link Main}, the exit code out; what the runs printed on
 * stdout and stderr is kept (appended run after run) until reset.
 */
public final class CliCapture {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    public int run(final String... argv) {
        return Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    public String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    public String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Forgets what the runs so far printed, on both streams. */
    public void reset() {
        out.reset();
        err.reset();
    }

    /** Forgets what the runs so far printed on stderr only. */
    public void resetErr() {
        err.reset();
    }
}
