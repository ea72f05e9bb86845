package io.sentimentstreams.bench;

import io.sentimentstreams.bench.text.TextPipelineBenchmark;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.UsageException;
import io.sentimentstreams.cli.run.Launcher;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * {@code ./sentiment bench jmh [JMH options] [BENCHMARK-REGEX]} in, JMH's report out: the JMH runner over
 * this module's {@code @Benchmark} classes (compiled into its jar by JMH's annotation processor). The forks
 * inherit this JVM's class path and options, and get {@code sentiment.data.dir} so they find the corpora.
 */
public final class JmhBench implements Command {

    /** One fork, 2 warm-up and 3 measured 10 s iterations on one thread, every benchmark of the module. */
    private static final List<String> DEFAULTS = List.of("-f", "1", "-wi", "2", "-w", "10s", "-i", "3", "-r", "10s",
            "-t", "1");

    @Override
    public int run(final List<String> args, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        if (args.contains("--help")) {
            out.println("usage: ./sentiment bench jmh [JMH options] [regex]   (default: "
                    + String.join(" ", DEFAULTS) + ", every benchmark)");
            out.println("  benchmarks: " + TextPipelineBenchmark.class.getSimpleName()
                    + " (-p tokenizer=treebank,wordpunct,keras,nori,okt); JMH's own options: ./sentiment bench jmh -h");
            out.println("  corpora from -Dsentiment.data.dir (SENTIMENT_JAVA_OPTS), default ../shared/data next to"
                    + " the project");
            return 0;
        }
        final String data = dataDir();
        // Forked runs get the directory as a JVM option; -f 0 runs the benchmark in this JVM.
        System.setProperty("sentiment.data.dir", data);
        final List<String> argv = new ArrayList<>(args.isEmpty() ? DEFAULTS : args);
        argv.add("-jvmArgsAppend");
        argv.add("-Dsentiment.data.dir=" + data);
        final CommandLineOptions options;
        try {
            options = new CommandLineOptions(argv.toArray(new String[0]));
        } catch (CommandLineOptionException e) {
            throw new UsageException("bad JMH option: " + e.getMessage());
        }
        if (options.shouldHelp()) {
            options.showHelp();
            return 0;
        }
        final Runner runner = new Runner(options,
                OutputFormatFactory.createFormatInstance(out, options.verbosity().orElse(VerboseMode.NORMAL)));
        if (options.shouldList()) {
            runner.list();
        } else if (options.shouldListWithParams()) {
            runner.listWithParams(options);
        } else if (options.shouldListProfilers()) {
            options.listProfilers();
        } else if (options.shouldListResultFormats()) {
            options.listResultFormats();
        } else {
            try {
                runner.run();
            } catch (RunnerException e) {
                err.println("bench jmh: " + e.getMessage());
                return 1;
            }
        }
        return 0;
    }

    /** The corpora directory the forks should read: the caller's choice, else the one next to the project. */
    static String dataDir() {
        final String chosen = System.getProperty("sentiment.data.dir");
        return chosen != null ? chosen : Launcher.home().resolve("../shared/data").normalize().toString();
    }
}
