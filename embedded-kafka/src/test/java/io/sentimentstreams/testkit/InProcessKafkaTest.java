package io.sentimentstreams.testkit;

import io.sentimentstreams.broker.TransactionalRoundTrip;
import org.junit.jupiter.api.Test;

class InProcessKafkaTest {

    @Test
    void inProcessClusterServesTransactions() throws Exception {
        try (InProcessKafka kafka = InProcessKafka.start()) {
            TransactionalRoundTrip.run(kafka.bootstrapServers());
        }
    }
}
