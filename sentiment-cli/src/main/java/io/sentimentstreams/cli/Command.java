package io.sentimentstreams.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/**
 * One {@code ./sentiment} subcommand: takes its arguments and streams, returns the process exit code.
 * Machine-readable output goes to {@code out}; progress, logs and errors go to {@code err}.
 */
public interface Command {

    /** Exit code for bad usage (unknown flag, missing value). */
    int USAGE = 2;

    int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws Exception;
}
