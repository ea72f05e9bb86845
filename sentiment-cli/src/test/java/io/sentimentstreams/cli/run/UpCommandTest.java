package io.sentimentstreams.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentstreams.cli.UsageException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpCommandTest {

    @Test
    void replicasNameServicesWithOrWithoutTheirSuffix() {
        assertThat(UpCommand.replicas("preprocess=2, inference-service=3,ingest=1"))
                .containsExactly(Map.entry("preprocess-service", 2), Map.entry("inference-service", 3),
                        Map.entry("ingest-service", 1));
        assertThat(UpCommand.replicas("")).isEmpty();
    }

    @Test
    void badReplicasSayWhatIsExpected() {
        assertThatThrownBy(() -> UpCommand.replicas("trainer=2")).isInstanceOf(UsageException.class)
                .hasMessageContaining("SERVICE one of ingest, preprocess, inference").hasMessageContaining("trainer=2");
        assertThatThrownBy(() -> UpCommand.replicas("inference")).isInstanceOf(UsageException.class)
                .hasMessageContaining("SERVICE=N");
        assertThatThrownBy(() -> UpCommand.replicas("inference=two")).isInstanceOf(UsageException.class)
                .hasMessageContaining("whole number").hasMessageContaining("'two'");
        assertThatThrownBy(() -> UpCommand.replicas("preprocess=0")).isInstanceOf(UsageException.class)
                .hasMessageContaining("between 1 and 8");
    }
}
