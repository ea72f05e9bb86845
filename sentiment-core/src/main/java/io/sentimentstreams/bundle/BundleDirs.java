package io.sentimentstreams.bundle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * Recursive deletion of a bundle directory (a writer's staging or replaced copy, an unpacked cache entry):
 * the root in, as much of it deleted as can be, each path that could not be handed to {@code onFailure}.
 */
public final class BundleDirs {

    private BundleDirs() {
    }

    /**
     * Deletes {@code root} and everything below it, children first; a path that cannot be deleted (or a tree
     * that cannot be walked) goes to {@code onFailure} and the rest is still deleted, since these directories
     * are scratch space whose leftovers never make a bundle wrong.
     */
    public static void delete(final Path root, final BiConsumer<Path, IOException> onFailure) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    onFailure.accept(p, e);
                }
            });
        } catch (IOException e) {
            onFailure.accept(root, e);
        } catch (UncheckedIOException e) {
            onFailure.accept(root, e.getCause());
        }
    }
}
