package io.sentimentstreams.bundle;

import com.fasterxml.jackson.databind.JsonMappingException;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.json.UnknownNameException;
import io.sentimentstreams.text.PadSide;
import io.sentimentstreams.text.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model bundle directory whose every file has been checked against its manifest: the only way
 * services and tools get at a network, a vocabulary or a pipeline configuration.
 */
public final class ModelBundle {

    private final Path dir;
    private final BundleManifest manifest;
    private final String digest;

    private ModelBundle(final Path dir, final BundleManifest manifest, final String digest) {
        this.dir = dir;
        this.manifest = manifest;
        this.digest = digest;
    }

    /** Loads and verifies the bundle in {@code dir}; throws when a file is missing or altered. */
    public static ModelBundle load(final Path dir) throws BundleException {
        final byte[] manifestBytes;
        try {
            manifestBytes = Files.readAllBytes(dir.resolve(BundleManifest.FILE));
        } catch (NoSuchFileException e) {
            throw new BundleException(BundleException.Kind.MISSING_FILE,
                    "not a model bundle (no " + BundleManifest.FILE + "): " + dir);
        } catch (IOException e) {
            throw new BundleException(BundleException.Kind.MISSING_FILE, "cannot read " + dir + ": " + e, e);
        }
        final BundleManifest manifest;
        try {
            manifest = Json.read(manifestBytes, BundleManifest.class);
        } catch (RuntimeException e) {
            throw unreadable(dir, e);
        }
        validateManifest(dir, manifest);
        for (final Map.Entry<String, String> file : manifest.files().entrySet()) {
            final Path path = dir.resolve(file.getKey()).normalize();
            if (!path.startsWith(dir.normalize())) {
                throw new BundleException(BundleException.Kind.BAD_MANIFEST, "file outside bundle: " + file.getKey());
            }
            if (!Files.isRegularFile(path)) {
                throw new BundleException(BundleException.Kind.MISSING_FILE,
                        "bundle " + manifest.ref() + " lacks " + file.getKey());
            }
            final String actual;
            try {
                actual = Digests.sha256(path);
            } catch (IOException e) {
                throw new BundleException(BundleException.Kind.MISSING_FILE, "cannot read " + path + ": " + e, e);
            }
            if (!actual.equalsIgnoreCase(file.getValue())) {
                throw new BundleException(BundleException.Kind.CHECKSUM_MISMATCH,
                        "bundle " + manifest.ref() + ": sha256 of " + file.getKey() + " is " + actual
                                + ", manifest says " + file.getValue());
            }
        }
        return new ModelBundle(dir, manifest, Digests.sha256(manifestBytes));
    }

    /** A manifest Jackson cannot read; an unknown enum name says which field and value, with its own kind. */
    private static BundleException unreadable(final Path dir, final RuntimeException e) {
        UnknownNameException unknown = null;
        JsonMappingException mapping = null;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof UnknownNameException u) {
                unknown = u;
            } else if (t instanceof JsonMappingException m && mapping == null) {
                mapping = m;
            }
        }
        if (unknown == null) {
            return new BundleException(BundleException.Kind.BAD_MANIFEST,
                    "unreadable " + BundleManifest.FILE + " in " + dir + ": " + e.getMessage(), e);
        }
        final BundleException.Kind kind = unknown.type() == Lang.class ? BundleException.Kind.UNSUPPORTED_LANG
                : unknown.type() == Tokenizer.class || unknown.type() == PadSide.class
                ? BundleException.Kind.BAD_PIPELINE : BundleException.Kind.BAD_MANIFEST;
        final String field = mapping == null ? "" : fieldPath(mapping) + ": ";
        return new BundleException(kind, "invalid " + BundleManifest.FILE + " in " + dir + ": " + field
                + unknown.getMessage(), e);
    }

    /** {@code pipeline.tokenizer}-style path of the field a mapping error is about. */
    private static String fieldPath(final JsonMappingException e) {
        final StringBuilder sb = new StringBuilder();
        for (final JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static void validateManifest(final Path dir, final BundleManifest m) throws BundleException {
        final String problem;
        if (m.name() == null || m.name().isBlank() || m.name().contains("@")) {
            problem = "name";
        } else if (m.version() < 1) {
            problem = "version";
        } else if (m.pipeline() == null) {
            problem = "pipeline";
        } else if (m.architecture() == null) {
            problem = "architecture";
        } else if (m.architecture().imported() && (m.files() == null
                || !m.files().containsKey(BundleManifest.ONNX) || !m.files().containsKey(BundleManifest.CANARY)
                || !m.files().containsKey(BundleManifest.VOCABULARY))) {
            problem = "files (an imported bundle needs model.onnx, canary.tsv and vocab.tsv)";
        } else if (!m.architecture().imported() && (m.files() == null
                || !m.files().containsKey(BundleManifest.NETWORK)
                || !m.files().containsKey(BundleManifest.VOCABULARY))) {
            problem = "files (network.zip and vocab.tsv are required)";
        } else {
            return;
        }
        throw new BundleException(BundleException.Kind.BAD_MANIFEST,
                "invalid " + BundleManifest.FILE + " in " + dir + ": bad or missing " + problem);
    }

    public Path dir() {
        return dir;
    }

    public BundleManifest manifest() {
        return manifest;
    }

    /** sha256 of {@code bundle.json}, which lists the sha256 of every other file. */
    public String digest() {
        return digest;
    }

    public Path file(final String name) {
        return dir.resolve(name);
    }

    @Override
    public String toString() {
        return manifest.ref() + " (" + dir + ")";
    }
}
