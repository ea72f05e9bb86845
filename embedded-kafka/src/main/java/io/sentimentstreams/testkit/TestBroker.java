package io.sentimentstreams.testkit;

import io.sentimentstreams.broker.BrokerProcess;
import io.sentimentstreams.topics.TopicAdmin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One real Kafka broker per test JVM, started on first use in a child JVM with a throw-away data
 * directory and all catalogue topics created, and stopped (directory removed) when the JVM exits.
 */
public final class TestBroker {

    private static BrokerProcess broker;

    private TestBroker() {
    }

    /** The bootstrap address of the shared test broker, starting it if needed. */
    public static synchronized String bootstrapServers() {
        if (broker == null || !broker.isAlive()) {
            broker = startFresh();
        }
        return broker.bootstrapServers();
    }

    /** The running broker, for tests that stop or kill it. */
    public static synchronized BrokerProcess process() {
        bootstrapServers();
        return broker;
    }

    private static BrokerProcess startFresh() {
        try {
            final Path dir = Files.createTempDirectory("sentiment-test-kafka-");
            final BrokerProcess started = BrokerProcess.start(BrokerProcess.Options.defaults(dir).withPort(0));
            TopicAdmin.createAll(started.bootstrapServers());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.close();
                deleteTree(dir);
            }, "test-broker-stop"));
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the test broker", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("timed out creating topics on the test broker", e);
        }
    }

    static void deleteTree(final Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp directory left behind is harmless
        }
    }
}
