package io.sentimentstreams.contracts;

/** The pipeline stage that dead-lettered a record. */
public enum Stage {
    INGEST,
    PREPROCESS,
    INFERENCE
}
