package io.sentimentstreams.ingest.results;

import org.apache.kafka.streams.state.HostInfo;

/** The answer of this instance's store about one id: found, unknown, owned by another instance, or not queryable now. */
public sealed interface Lookup {

    record Found(ReviewResult result) implements Lookup {
    }

    record Missing() implements Lookup {
    }

    /** Another instance owns the id's partition: ask it. */
    record Remote(HostInfo owner) implements Lookup {
    }

    /** The store is rebalancing, restoring or not started: ask again shortly. */
    record Unavailable(String why) implements Lookup {
    }

    Lookup MISSING = new Missing();
}
