package io.sentimentstreams.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.sentimentstreams.ingest.validation.IngestLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every {@code sentiment.ingest.*} setting (environment: {@code SENTIMENT_INGEST_*}) with its default;
 * the Kafka address itself is the standard {@code kafka.bootstrap.servers}.
 */
@ConfigMapping(prefix = "sentiment.ingest")
public interface IngestConfig {

    /** Longest review text, in Unicode code points. */
    @WithDefault("100000")
    int maxTextChars();

    /** Most reviews in one HTTP request (JSON array or NDJSON lines). */
    @WithDefault("1000")
    int maxBatchItems();

    /** Largest HTTP request body, in bytes; checked against Content-Length and while reading. */
    @WithDefault("4194304")
    long maxBodyBytes();

    Kafka kafka();

    Http http();

    ApiKey apiKey();

    Results results();

    default IngestLimits limits() {
        return new IngestLimits(maxTextChars(), maxBatchItems(), maxBodyBytes());
    }

    /** The transactional producers behind POST /reviews. */
    interface Kafka {

        /**
         * Bound on each blocking producer call (metadata, init, commit): the HTTP answer is a 503 after
         * at most about this long when the broker is down or slow.
         */
        @WithDefault("5s")
        Duration timeout();

        /** Transactional producers for HTTP requests; one request holds one producer for its transaction. */
        @WithDefault("4")
        int producers();

        /**
         * Stable name of this instance, part of every transactional.id: a restarted instance with the same
         * name aborts its predecessor's open transactions at once. Two live instances must not share it.
         * Defaults to the host name (the pod name on Kubernetes).
         */
        Optional<String> instanceId();

        @WithDefault("sentiment-ingest")
        String transactionalIdPrefix();

        /** Producer compression for reviews.raw. */
        @WithDefault("lz4")
        String compression();
    }

    /** Admission control for POST /reviews. */
    interface Http {

        /** Requests being read, validated or written at once; more wait up to admission-timeout, then 429. */
        @WithDefault("16")
        int maxInFlight();

        @WithDefault("1s")
        Duration admissionTimeout();

        /** Retry-After seconds sent with 429 and 503. */
        @WithDefault("5")
        int retryAfterSeconds();
    }

    /** Optional X-API-Key authentication of POST /reviews. */
    interface ApiKey {

        @WithDefault("false")
        boolean enabled();

        /** Accepted keys, comma-separated (prefer the file or a Secret-backed environment variable). */
        Optional<List<String>> keys();

        /** A mounted file with one key per line; blank lines and lines starting with # are ignored. */
        Optional<Path> file();
    }

    /** The results store behind GET /reviews/{id} and POST /reviews?wait=. */
    interface Results {

        /** How long a review id stays known after it was first seen (like preprocess-service's idempotency window). */
        @WithDefault("24h")
        Duration retention();

        /**
         * Host name other ingest instances reach this one under (with this instance's HTTP port it is the
         * {@code application.server} of the results stream). Defaults to the host name (the pod name on Kubernetes;
         * set the pod IP where pod names do not resolve).
         */
        Optional<String> advertisedHost();

        /** Longest wait a POST may ask for; a longer {@code wait} is cut to this. */
        @WithDefault("30s")
        Duration maxWait();

        /** How often a waiting POST asks other instances about the ids they own (local ids are pushed). */
        @WithDefault("100ms")
        Duration waitPoll();

        /** Bound on one lookup forwarded to the instance that owns the id. */
        @WithDefault("2s")
        Duration forwardTimeout();

        /** Retry-After seconds of a 503 while the store is rebalancing or restoring. */
        @WithDefault("1")
        int retryAfterSeconds();
    }
}
