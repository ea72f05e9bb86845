package io.sentimentstreams.bundle;

import io.sentimentstreams.json.Json;
import io.sentimentstreams.vocab.Vocabulary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes a model bundle directory: the files first (network, vocabulary, ONNX export when there is one,
 * model card), then {@code bundle.json} listing the sha256 of each, so a reader that finds bundle.json
 * finds a complete bundle. Everything is written into a sibling temporary directory that replaces the
 * target only at the end; a failed write leaves the previous bundle untouched.
 *
 * <p>Use: {@code BundleWriter.create(dir, overwrite)}, then {@link #file}/{@link #vocabulary}/{@link #text}
 * per file, then {@link #finish(BundleManifest)}; the manifest's {@code files} map is filled in here.
 */
public final class BundleWriter {

    /** Writes one bundle file at the given path. */
    @FunctionalInterface
    public interface FileContent {
        void writeTo(Path target) throws IOException;
    }

    private final Path target;
    private final Path staging;
    private final boolean overwrite;
    private final Map<String, String> files = new TreeMap<>();

    private BundleWriter(final Path target, final Path staging, final boolean overwrite) {
        this.target = target;
        this.staging = staging;
        this.overwrite = overwrite;
    }

    /**
     * Starts a bundle at {@code dir}; with {@code overwrite} false an existing non-empty directory is an
     * error (so a training run never silently replaces a shipped model).
     */
    public static BundleWriter create(final Path dir, final boolean overwrite) throws IOException {
        final Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !overwrite && !isEmptyDir(abs)) {
            throw new FileAlreadyExistsException(abs + " exists and is not empty (use --force to replace it)");
        }
        final Path parent = abs.getParent();
        Files.createDirectories(parent);
        final Path staging = Files.createTempDirectory(parent, "." + abs.getFileName() + ".writing-");
        try {
            // A temporary directory is private (0700); a bundle is meant to be read by other users/services.
            Files.setPosixFilePermissions(staging, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: keep the default permissions.
        }
        return new BundleWriter(abs, staging, overwrite);
    }

    private static boolean isEmptyDir(final Path p) throws IOException {
        if (!Files.isDirectory(p)) {
            return false;
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.findAny().isEmpty();
        }
    }

    /** Adds a file written by {@code content}; the name is bundle-relative (no directories). */
    public BundleWriter file(final String name, final FileContent content) throws IOException {
        if (name.contains("/") || name.contains("\\") || name.equals(BundleManifest.FILE) || name.startsWith(".")) {
            throw new IllegalArgumentException("not a bundle file name: " + name);
        }
        final Path p = staging.resolve(name);
        try {
            content.writeTo(p);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(p);
            throw e;
        }
        if (!Files.isRegularFile(p)) {
            throw new IOException("writing " + name + " produced no file");
        }
        files.put(name, Digests.sha256(p));
        return this;
    }

    /** Adds {@code vocab.tsv}. */
    public BundleWriter vocabulary(final Vocabulary vocabulary) throws IOException {
        return file(BundleManifest.VOCABULARY, vocabulary::writeTsv);
    }

    /** Adds a UTF-8 text file (the model card). */
    public BundleWriter text(final String name, final String content) throws IOException {
        return file(name, p -> Files.writeString(p, content, StandardCharsets.UTF_8));
    }

    /** The sha256 of each file added so far (name to hex). */
    public Map<String, String> files() {
        return Map.copyOf(files);
    }

    /**
     * Writes {@code bundle.json} (the given manifest with {@code files} set to what was added), moves the
     * bundle into place and loads it back through {@link ModelBundle#load}, which verifies every file.
     */
    public ModelBundle finish(final BundleManifest manifest) throws IOException, BundleException {
        final BundleManifest complete = new BundleManifest(manifest.schema(), manifest.name(), manifest.version(),
                manifest.lang(), manifest.createdAt(), manifest.pipeline(), manifest.architecture(),
                manifest.threshold(), new LinkedHashMap<>(files), manifest.datasets(), manifest.training(),
                manifest.metrics());
        Files.write(staging.resolve(BundleManifest.FILE),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(complete));
        if (Files.exists(target)) {
            if (!overwrite && !isEmptyDir(target)) {
                throw new FileAlreadyExistsException(target + " appeared while writing the bundle");
            }
            final Path old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old-");
            Files.delete(old);
            Files.move(target, old);
            moveIntoPlace();
            deleteTree(old);
        } else {
            moveIntoPlace();
        }
        return ModelBundle.load(target);
    }

    private void moveIntoPlace() throws IOException {
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(staging, target);
        }
    }

    /** Removes the staging directory after a failure (safe to call after {@link #finish}). */
    public void abandon() {
        if (Files.exists(staging)) {
            deleteTree(staging);
        }
    }

    private static void deleteTree(final Path root) {
        // Leftover temporary files are harmless; the bundle itself is already in place or untouched.
        BundleDirs.delete(root, (path, e) -> { });
    }
}
