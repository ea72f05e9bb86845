package io.sentimentstreams.cli.run;

import java.nio.file.Path;

/** Where the launcher runs from: the repository root ({@code sentiment.home}, set by {@code ./sentiment}). */
public final class Launcher {

    private Launcher() {
    }

    public static Path home() {
        final String home = System.getProperty("sentiment.home");
        return Path.of(home == null ? "." : home).toAbsolutePath().normalize();
    }
}
