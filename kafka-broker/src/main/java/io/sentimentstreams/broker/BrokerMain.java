package io.sentimentstreams.broker;

import java.io.IOException;
import java.io.InputStream;

/**
 * Main class of the child broker JVM: watches its stdin and exits when the parent process goes away
 * (EOF), then hands over to {@code kafka.Kafka}. Uses only the JDK so that it can run on the broker's
 * own classpath; without it a parent killed with {@code kill -9} would leave an orphan broker.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(final String[] args) throws Exception {
        final Thread watchdog = new Thread(BrokerMain::exitWhenParentGone, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Class.forName("kafka.Kafka").getMethod("main", String[].class).invoke(null, (Object) args);
    }

    private static void exitWhenParentGone() {
        final InputStream in = System.in;
        final byte[] buf = new byte[256];
        try {
            while (in.read(buf) >= 0) {
                // the parent never writes; reading only detects the closed pipe
            }
        } catch (IOException e) {
            // a broken pipe means the same as EOF
        }
        // System.exit runs Kafka's shutdown hook, which shuts the broker down cleanly.
        System.exit(0);
    }
}
