package io.sentimentstreams.models;

import io.sentimentstreams.contracts.ModelRef;

/**
 * One record of {@code sentiment.models} whose key is a valid {@code name@version}: the zipped bundle and
 * its announced digest, or a tombstone ({@code archive == null}).
 */
public record Announcement(String key, ModelRef ref, byte[] archive, String digest) {

    public boolean tombstone() {
        return archive == null;
    }
}
