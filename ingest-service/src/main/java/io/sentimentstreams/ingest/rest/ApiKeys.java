package io.sentimentstreams.ingest.rest;

import io.sentimentstreams.ingest.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The accepted API keys (from {@code sentiment.ingest.api-key.keys} and/or the mounted key file) and a
 * constant-time check of a presented key: keys are compared as SHA-256 digests with
 * {@link MessageDigest#isEqual}, against every key without early exit, so neither the position of the
 * first wrong byte nor the key length nor which key matched shows in the timing.
 */
@ApplicationScoped
public class ApiKeys {

    private static final Logger LOG = Logger.getLogger(ApiKeys.class);

    private final boolean enabled;
    private final List<byte[]> digests;

    public ApiKeys(final IngestConfig config) {
        this.enabled = config.apiKey().enabled();
        final List<String> keys = new ArrayList<>();
        config.apiKey().keys().ifPresent(keys::addAll);
        config.apiKey().file().ifPresent(file -> keys.addAll(readKeyFile(file)));
        this.digests = keys.stream().map(String::strip).filter(k -> !k.isEmpty()).map(ApiKeys::sha256).toList();
        if (enabled && digests.isEmpty()) {
            throw new IllegalStateException("sentiment.ingest.api-key.enabled=true but no key is configured "
                    + "(sentiment.ingest.api-key.keys or sentiment.ingest.api-key.file)");
        }
        if (enabled) {
            LOG.infof("API key authentication enabled with %d key(s)", digests.size());
        }
    }

    public boolean enabled() {
        return enabled;
    }

    /** True when authentication is off, or {@code presented} equals one of the keys. */
    public boolean accepts(final String presented) {
        if (!enabled) {
            return true;
        }
        if (presented == null) {
            return false;
        }
        final byte[] candidate = sha256(presented);
        boolean match = false;
        for (final byte[] digest : digests) {
            match |= MessageDigest.isEqual(digest, candidate);
        }
        return match;
    }

    private static List<String> readKeyFile(final Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read API key file " + file, e);
        }
    }

    private static byte[] sha256(final String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
