package io.sentimentstreams.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentstreams.topics.Topic;
import io.sentimentstreams.topics.TopicAdmin;
import io.sentimentstreams.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerProcessTest {

    @TempDir
    Path dir;

    @Test
    void childBrokerServesTransactionsAndStopsCleanly() throws Exception {
        final BrokerProcess broker = BrokerProcess.start(BrokerProcess.Options.defaults(dir).withPort(0));
        final ProcessHandle handle;
        try {
            handle = ProcessHandle.of(broker.pid()).orElseThrow();
            TransactionalRoundTrip.run(broker.bootstrapServers());
        } finally {
            broker.close();
        }
        assertThat(handle.isAlive()).as("broker process after close").isFalse();
        assertThat(dir.resolve("kraft-data/meta.properties")).as("data kept after stop").exists();
    }

    @Test
    void restartKeepsTopicsAndCatalogueTopicsGetTheirConfigs() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(BrokerProcess.Options.defaults(dir).withPort(0))) {
            assertThat(TopicAdmin.createAll(broker.bootstrapServers(), (short) 1)).hasSize(Topics.ALL.size());
        }
        try (BrokerProcess broker = BrokerProcess.start(BrokerProcess.Options.defaults(dir).withPort(0));
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            assertThat(TopicAdmin.createAll(broker.bootstrapServers(), (short) 1)).as("nothing to create").isEmpty();
            final Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            for (final Topic<?, ?> topic : Topics.ALL) {
                assertThat(names).contains(topic.name());
            }
            final ConfigResource models = new ConfigResource(ConfigResource.Type.TOPIC, Topics.MODELS.name());
            final Config config = admin.describeConfigs(java.util.List.of(models)).all().get(30, TimeUnit.SECONDS)
                    .get(models);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(config.get("max.message.bytes").value()).isEqualTo(String.valueOf(Topics.MODEL_MAX_BYTES));
        }
    }

    @Test
    void takenPortFallsBackToAFreeOne() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 0,
                java.net.InetAddress.getLoopbackAddress());
             BrokerProcess broker = BrokerProcess.start(
                     BrokerProcess.Options.defaults(dir).withPort(taken.getLocalPort()))) {
            assertThat(broker.port()).isNotEqualTo(taken.getLocalPort());
            assertThat(Files.readString(dir.resolve("server.properties")))
                    .contains("PLAINTEXT://127.0.0.1:" + broker.port());
        }
    }
}
