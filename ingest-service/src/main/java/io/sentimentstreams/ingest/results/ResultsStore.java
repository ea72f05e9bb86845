package io.sentimentstreams.ingest.results;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.vertx.http.HttpServer;
import io.quarkus.vertx.http.HttpServerStart;
import io.sentimentstreams.ingest.config.IngestConfig;
import io.sentimentstreams.kafka.KafkaClientSettings;
import io.sentimentstreams.kafka.KafkaClients;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.enterprise.inject.Instance;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The results stream of this instance: a Kafka Streams application of its own ({@code <ingest application id>-results},
 * at-least-once, read_committed) running {@link ResultsTopology}, and lookups in its store: answered here when this
 * instance owns the id's partition, otherwise the owner's address from interactive-query metadata.
 *
 * <p>Not part of the inbound topology's application: that one is exactly-once with a 50 ms commit interval on the
 * path every reviews.inbound record takes, and the results store reads three times its traffic (raw, labeled, dead
 * letters); in one application both would share stream threads, rebalances and store restores, so a restoring
 * results store would stall validation. The store is a view that a replay rebuilds to the same state
 * ({@link ReviewResult#merge} is idempotent), so at-least-once with read_committed input is enough.
 */
@ApplicationScoped
public class ResultsStore {

    private static final Logger LOG = Logger.getLogger(ResultsStore.class);
    private static final Serializer<String> KEYS = Serdes.String().serializer();

    private final IngestConfig.Results config;
    private final String applicationId;
    private final KafkaClientSettings kafka;
    private final String stateDir;
    private final AtomicBoolean started = new AtomicBoolean();
    private final Map<String, Set<Consumer<ReviewResult>>> listeners = new ConcurrentHashMap<>();
    private final Instance<HttpServer> httpServer;
    private volatile KafkaStreams streams;
    private volatile HostInfo self;

    public ResultsStore(final IngestConfig config,
                        @ConfigProperty(name = "quarkus.kafka-streams.application-id") final String applicationId,
                        @Identifier("default-kafka-broker") final Map<String, Object> kafka,
                        @ConfigProperty(name = "kafka-streams.state.dir") final String stateDir,
                        final Instance<HttpServer> httpServer) {
        this.httpServer = httpServer;
        this.config = config.results();
        this.applicationId = applicationId + "-results";
        this.kafka = KafkaClientSettings.of(kafka);
        this.stateDir = stateDir;
    }

    /**
     * Started once the HTTP port is bound (an asynchronous event, off the event loop), because that port is what the
     * other instances are told to call.
     */
    void onHttpStart(@ObservesAsync final HttpServerStart event) {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        try {
            start(event.options().getPort() > 0 ? event.options().getPort() : boundPort());
        } catch (RuntimeException e) {
            LOG.errorf(e, "results store could not start; GET /reviews/{id} answers 503");
            throw e;
        }
    }

    /**
     * A random port (0, as under test) is known once bound, from Quarkus's HttpServer (around the time of this event,
     * so it is awaited briefly here, off the event loop).
     */
    private int boundPort() {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            final int port = httpServer.isResolvable() ? httpServer.get().getPort()
                    : Integer.getInteger("quarkus.http.test-port", 0);
            if (port > 0) {
                return port;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException("the HTTP port is not known");
    }

    private void start(final int port) {
        self = new HostInfo(config.advertisedHost().orElseGet(ResultsStore::hostName), port);
        final KafkaStreams created = new KafkaStreams(ResultsTopology.build(config.retention(), this::changed),
                properties());
        created.setUncaughtExceptionHandler(e -> {
            // A lost view can be rebuilt, the lookups must not stop for good: a new thread resumes from the commit.
            LOG.errorf(e, "results stream thread failed; replacing it");
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams = created;
        created.start();
        LOG.infof("results store %s started; application.server %s:%d, retention %s", applicationId, self.host(),
                self.port(), config.retention());
    }

    void onStop(@Observes final ShutdownEvent event) {
        final KafkaStreams s = streams;
        if (s != null) {
            s.close(Duration.ofSeconds(10));
        }
    }

    /** The service's one client configuration (bootstrap and security, as every client gets it), then its own. */
    private Properties properties() {
        final Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        // Never show a result of an aborted transaction (ingest, preprocess and inference all write transactionally).
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        p.put(StreamsConfig.producerPrefix("compression.type"), "lz4");
        final Properties all = new Properties();
        all.putAll(KafkaClients.config(kafka, p));
        return all;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** This instance's address as the other instances see it ({@code host:port}). */
    public String self() {
        final HostInfo s = self;
        return s == null ? "unknown" : s.host() + ":" + s.port();
    }

    public KafkaStreams.State state() {
        final KafkaStreams s = streams;
        return s == null ? KafkaStreams.State.CREATED : s.state();
    }

    /** Where {@code id} is answered: here (found or missing), at another instance, or not now. */
    public Lookup lookup(final String id) {
        final KafkaStreams s = streams;
        if (s == null) {
            return new Lookup.Unavailable("the results store is starting");
        }
        final KafkaStreams.State state = s.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            return new Lookup.Unavailable("the results store is " + state);
        }
        final KeyQueryMetadata meta;
        try {
            meta = s.queryMetadataForKey(ResultsTopology.STORE, id, KEYS);
        } catch (IllegalStateException | InvalidStateStoreException e) {
            return new Lookup.Unavailable("the results store is " + s.state());
        }
        if (meta == null || KeyQueryMetadata.NOT_AVAILABLE.equals(meta)) {
            return new Lookup.Unavailable("the results store is rebalancing");
        }
        if (!self.equals(meta.activeHost())) {
            return new Lookup.Remote(meta.activeHost());
        }
        return local(s, id, meta.partition());
    }

    private Lookup local(final KafkaStreams s, final String id, final int partition) {
        try {
            final ReadOnlyWindowStore<String, ReviewResult> store = s.store(StoreQueryParameters
                    .fromNameAndType(ResultsTopology.STORE, QueryableStoreTypes.<String, ReviewResult>windowStore())
                    .withPartition(partition));
            // the whole retention and a little ahead, for a producer clock ahead of ours
            final Instant now = Instant.now();
            try (KeyValueIterator<Windowed<String>, ReviewResult> hits = store.backwardFetch(id, id,
                    now.minus(config.retention()).minus(config.retention()), now.plus(config.retention()))) {
                if (!hits.hasNext()) {
                    return Lookup.MISSING;
                }
                final KeyValue<Windowed<String>, ReviewResult> hit = hits.next();
                return new Lookup.Found(hit.value);
            }
        } catch (InvalidStateStoreException e) {
            return new Lookup.Unavailable("the results store is restoring or migrating this partition");
        }
    }

    /** Tells {@code listener} of every new result of {@code id} taken by this instance's store, until removed. */
    public void listen(final String id, final Consumer<ReviewResult> listener) {
        listeners.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(listener);
    }

    public void unlisten(final String id, final Consumer<ReviewResult> listener) {
        listeners.computeIfPresent(id, (k, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    private void changed(final ReviewResult result) {
        final Set<Consumer<ReviewResult>> waiting = listeners.get(result.id());
        if (waiting != null) {
            waiting.forEach(l -> l.accept(result));
        }
    }
}
