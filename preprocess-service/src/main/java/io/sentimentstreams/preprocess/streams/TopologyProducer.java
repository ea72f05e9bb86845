package io.sentimentstreams.preprocess.streams;

import io.sentimentstreams.kafka.NativeLz4;
import io.sentimentstreams.preprocess.config.PreprocessConfig;
import io.sentimentstreams.preprocess.metrics.PreprocessMetrics;
import io.sentimentstreams.preprocess.model.ModelRegistry;
import io.sentimentstreams.tracing.RecordTracing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.streams.Topology;
import org.jboss.logging.Logger;

/** The configured registry, metrics, settings and tracing in; the {@link Topology} Quarkus Kafka Streams runs out. */
@ApplicationScoped
public class TopologyProducer {

    private static final Logger LOG = Logger.getLogger(TopologyProducer.class);

    private final ModelRegistry models;
    private final PreprocessMetrics metrics;
    private final PreprocessConfig config;
    private final RecordTracing tracing;

    public TopologyProducer(final ModelRegistry models, final PreprocessMetrics metrics, final PreprocessConfig config,
                            final RecordTracing tracing) {
        this.models = models;
        this.metrics = metrics;
        this.config = config;
        this.tracing = tracing;
    }

    @Produces
    public Topology buildTopology() {
        // Before the stream starts: the producer compresses reviews.encoded with lz4 (see NativeLz4).
        LOG.infof("Kafka LZ4 codec: %s", NativeLz4.enable());
        return PreprocessTopology.build(models, metrics, TopologySettings.from(config), tracing);
    }
}
