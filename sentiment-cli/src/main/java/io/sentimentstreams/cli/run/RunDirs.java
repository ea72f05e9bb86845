package io.sentimentstreams.cli.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Run directories of the benches under {@code .sentiment/runs/}: broker data and service state of one run,
 * kept after it for a look (several GB after an e2e run). Each new run of a kind removes all but the
 * newest {@value #KEEP} earlier ones of that kind, so repeated benches do not fill the disk.
 */
public final class RunDirs {

    /** Earlier runs of one kind that a new run leaves in place. */
    public static final int KEEP = 2;

    private RunDirs() {
    }

    /** {@code home/.sentiment/runs/<kind>-<millis>} (not yet created), after pruning older runs of {@code kind}. */
    public static Path fresh(final Path home, final String kind) throws IOException {
        final Path runs = home.resolve(".sentiment/runs");
        if (Files.isDirectory(runs)) {
            final List<Path> earlier;
            try (Stream<Path> dirs = Files.list(runs)) {
                earlier = dirs.filter(d -> Files.isDirectory(d) && stamp(d, kind) >= 0)
                        .sorted(Comparator.comparingLong((Path d) -> stamp(d, kind)).reversed())
                        .toList();
            }
            earlier.stream().skip(KEEP).forEach(RunDirs::deleteTree);
        }
        return runs.resolve(kind + "-" + System.currentTimeMillis());
    }

    /** Removes a run directory and everything in it; what cannot be removed stays (it is only disk). */
    static void deleteTree(final Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover run directory is harmless; it is under .sentiment/runs/
        }
    }

    /** The millisecond stamp of {@code <kind>-<millis>}, or -1 for any other name. */
    private static long stamp(final Path dir, final String kind) {
        final String name = dir.getFileName().toString();
        if (!name.startsWith(kind + "-")) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(kind.length() + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
