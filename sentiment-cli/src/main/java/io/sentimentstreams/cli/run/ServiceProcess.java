package io.sentimentstreams.cli.run;

import io.sentimentstreams.broker.BrokerProcess;
import io.sentimentstreams.broker.ChildProcesses;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Quarkus service of the pipeline running as its own JVM from {@code target/quarkus-app}, with
 * settings passed as environment variables (as compose and Kubernetes do) and its log in a file.
 */
public final class ServiceProcess implements AutoCloseable {

    private final String name;
    private final String instance;
    private final int httpPort;
    private final Process process;
    private final Path log;

    private ServiceProcess(final String name, final String instance, final int httpPort, final Process process,
                           final Path log) {
        this.name = name;
        this.instance = instance;
        this.httpPort = httpPort;
        this.process = process;
        this.log = log;
    }

    /** The runnable jar of a service module, or a clear error telling how to build it. */
    public static Path runJar(final Path home, final String module) throws IOException {
        final Path jar = home.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IOException(module + " is not built (" + jar + " missing): run ./mvnw -DskipTests install");
        }
        return jar;
    }

    public static ServiceProcess start(final Path home, final String module, final int httpPort,
                                       final Map<String, String> env, final List<String> jvmArgs,
                                       final Path logDir) throws IOException {
        return start(home, module, module, httpPort, env, jvmArgs, logDir);
    }

    /**
     * @param instance the instance's identity (its {@code HOSTNAME} when the caller sets one), also the name
     *                 of its log file, {@code <instance>.log}
     */
    public static ServiceProcess start(final Path home, final String module, final String instance,
                                       final int httpPort, final Map<String, String> env,
                                       final List<String> jvmArgs, final Path logDir) throws IOException {
        Files.createDirectories(logDir);
        final Path log = logDir.resolve(instance + ".log");
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-Dquarkus.http.port=" + httpPort);
        cmd.add("-jar");
        cmd.add(runJar(home, module).toString());
        final ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        return new ServiceProcess(module, instance, httpPort, pb.start(), log);
    }

    /** Waits until {@code /q/health/ready} answers 200; fails early with the log tail if the JVM dies. */
    public void awaitReady(final Duration timeout) throws IOException, InterruptedException {
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        final HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(3)).GET().build();
        final long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(instance + " exited with code " + process.exitValue() + "; log " + log + ":\n"
                        + BrokerProcess.tail(log));
            }
            try {
                final HttpResponse<String> r = http.send(ready, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + r.statusCode() + " " + r.body().replaceAll("\\s+", " ");
            } catch (IOException e) {
                last = e.getClass().getSimpleName();
            }
            TimeUnit.MILLISECONDS.sleep(300);
        }
        throw new IOException(instance + " not ready within " + timeout.toSeconds() + " s (last: " + last + "); log "
                + log + ":\n" + BrokerProcess.tail(log));
    }

    public String name() {
        return name;
    }

    /** The instance's identity: the module name for the first instance, {@code <module>-<n>} for the others. */
    public String instance() {
        return instance;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** Kills the JVM without a clean shutdown, as a crash would. */
    public void kill() throws InterruptedException {
        ChildProcesses.kill(process);
    }

    /** SIGTERM (Quarkus shuts down gracefully), forcibly after 20 seconds. */
    @Override
    public void close() {
        ChildProcesses.stop(process, Duration.ofSeconds(20), Duration.ofSeconds(5));
    }
}
