package io.sentimentstreams.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Locates the repository root and reads its YAML and JSON files into Jackson trees. */
final class RepoFiles {

    static final ObjectMapper JSON = new ObjectMapper();
    static final YAMLMapper YAML = new YAMLMapper();

    private RepoFiles() {
    }

    /** The repository root: {@code sentiment.repo.dir} (set by surefire) or the nearest parent holding deploy/. */
    static Path root() {
        final String configured = System.getProperty("sentiment.repo.dir");
        if (configured != null && Files.isDirectory(Path.of(configured, "deploy"))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("deploy")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the repository root (no deploy/ above " + Path.of("").toAbsolutePath() + ")");
    }

    static Path path(final String relative) {
        return root().resolve(relative);
    }

    static String read(final Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode readJson(final Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalStateException(file + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    static JsonNode readYaml(final Path file) {
        final List<JsonNode> docs = readYamlDocuments(file);
        if (docs.size() != 1) {
            throw new IllegalStateException(file + ": expected one YAML document, found " + docs.size());
        }
        return docs.get(0);
    }

    /** Every non-empty document of a (multi-document) YAML file, as object nodes. */
    static List<JsonNode> readYamlDocuments(final Path file) {
        return parseYamlDocuments(read(file), file.toString());
    }

    static List<JsonNode> parseYamlDocuments(final String text, final String origin) {
        final List<JsonNode> docs = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(text)) {
            final var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                final JsonNode doc = it.next();
                if (doc == null || doc.isNull() || doc.isMissingNode()) {
                    continue;
                }
                if (!(doc instanceof ObjectNode)) {
                    throw new IllegalStateException(origin + ": a YAML document is not a mapping: " + doc);
                }
                docs.add(doc);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(origin + ": not valid YAML: " + e.getMessage(), e);
        }
        return docs;
    }
}
