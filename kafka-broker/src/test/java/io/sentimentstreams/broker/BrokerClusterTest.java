package io.sentimentstreams.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentstreams.topics.TopicAdmin;
import io.sentimentstreams.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three KRaft nodes behind fault proxies: replication follows the broker count, and losing the leader is survived. */
class BrokerClusterTest {

    @TempDir
    Path dir;

    @Test
    void threeNodesReplicateThroughProxiesAndSurviveTheLeaderBeingKilled() throws Exception {
        try (BrokerCluster cluster = BrokerCluster.start(BrokerCluster.Options.defaults(dir, 3).withFaultProxies(true))) {
            assertThat(cluster.bootstrapServers().split(",")).hasSize(3);
            assertThat(cluster.nodeIds()).containsExactlyInAnyOrder(1, 2, 3);
            assertThat(cluster.activeController()).isIn(1, 2, 3);
            assertThat(TopicAdmin.createAll(cluster.bootstrapServers())).hasSize(Topics.ALL.size());
            TransactionalRoundTrip.run(cluster.bootstrapServers());
            for (final FaultProxy proxy : cluster.proxies()) {
                assertThat(proxy.acceptedConnections()).as("clients reach every broker through its proxy")
                        .isPositive();
            }

            try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.directBootstrapServers()))) {
                final Map<String, TopicDescription> topics = admin.describeTopics(
                        List.of(Topics.RAW.name(), "__consumer_offsets", "__transaction_state"))
                        .allTopicNames().get(30, TimeUnit.SECONDS);
                topics.values().forEach(t -> t.partitions().forEach(p ->
                        assertThat(p.replicas()).as(t.name() + " replicas").hasSize(3)));
                final ConfigResource raw = new ConfigResource(ConfigResource.Type.TOPIC, Topics.RAW.name());
                final ConfigResource node = new ConfigResource(ConfigResource.Type.BROKER, "1");
                final Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(raw, node)).all()
                        .get(30, TimeUnit.SECONDS);
                assertThat(configs.get(raw).get("min.insync.replicas").value()).isEqualTo("2");
                assertThat(configs.get(node).get("transaction.state.log.min.isr").value()).isEqualTo("2");
            }

            final int leader = cluster.leaderOf(Topics.RAW.name(), 0);
            cluster.kill(leader);
            assertThat(cluster.isAlive(leader)).isFalse();
            // Two of three in sync satisfy min.insync.replicas=2: transactions go on without the dead node.
            TransactionalRoundTrip.run(cluster.bootstrapServers());
            assertThat(cluster.leaderOf(Topics.RAW.name(), 0)).isNotEqualTo(leader).isPositive();

            cluster.restart(leader);
            cluster.awaitFullIsr(Duration.ofSeconds(120));
            assertThat(cluster.activeController()).isIn(1, 2, 3);
        }
    }

    @Test
    void replicationFollowsTheBrokerCount() {
        assertThat(BrokerCluster.replicationFactor(1)).isEqualTo(1);
        assertThat(BrokerCluster.minInsyncReplicas(1)).isEqualTo(1);
        assertThat(BrokerCluster.replicationFactor(2)).isEqualTo(2);
        assertThat(BrokerCluster.minInsyncReplicas(2)).isEqualTo(1);
        assertThat(BrokerCluster.replicationFactor(3)).isEqualTo(3);
        assertThat(BrokerCluster.minInsyncReplicas(3)).isEqualTo(2);
        assertThat(BrokerCluster.replicationFactor(5)).isEqualTo(3);
        assertThat(BrokerCluster.minInsyncReplicas(5)).isEqualTo(2);
    }
}
