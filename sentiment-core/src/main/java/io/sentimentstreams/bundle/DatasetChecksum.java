package io.sentimentstreams.bundle;

/** A dataset file used for training or evaluation, identified by its sha256 and row count. */
public record DatasetChecksum(String role, String path, String sha256, long rows) {
}
