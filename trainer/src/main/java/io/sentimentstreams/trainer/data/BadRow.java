package io.sentimentstreams.trainer.data;

/** A row a reader skipped: where it was (1-based line, or file name) and why, in a few words. */
public record BadRow(String where, String reason) {

    @Override
    public String toString() {
        return where + ": " + reason;
    }
}
