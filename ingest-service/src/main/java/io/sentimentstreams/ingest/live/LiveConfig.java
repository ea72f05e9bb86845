package io.sentimentstreams.ingest.live;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The {@code sentiment.ingest.live.*} settings (environment: {@code SENTIMENT_INGEST_LIVE_*}) of the live
 * results stream, {@code GET /reviews/stream}.
 */
@ConfigMapping(prefix = "sentiment.ingest.live")
public interface LiveConfig {

    /**
     * Events a client may have outstanding (handed to its connection but not yet taken by its socket); one more
     * ends its stream with an {@code overflow} event. Bounds the memory a slow client can hold.
     */
    @WithDefault("1000")
    int bufferEvents();

    /**
     * Bytes a client may have outstanding, the same bound in bytes (long reviews make large events); whichever
     * of the two is reached first ends the stream. The service's worst case is max-clients times this.
     */
    @WithDefault("1048576")
    long bufferBytes();

    /** Open streams at once; one more is refused with 503. */
    @WithDefault("256")
    int maxClients();

    /** A comment line on every stream this often, so proxies and clients see an idle stream is alive. */
    @WithDefault("15s")
    Duration heartbeat();

    /**
     * After an overflow, how long the client has to read what is still queued (ending with the overflow event)
     * before its connection is closed regardless.
     */
    @WithDefault("30s")
    Duration overflowGrace();

    /** How long the first subscriber waits for the shared consumer to find the end of reviews.labeled. */
    @WithDefault("10s")
    Duration connectTimeout();
}
