package io.sentimentstreams.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentimentstreams.topics.Topic;
import io.sentimentstreams.topics.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The topics every deployment creates are exactly the {@link Topics} catalogue: same names, partitions
 * and configs, as Strimzi KafkaTopic resources (each overlay) and in docker-compose's topic step.
 */
class KafkaTopicCatalogueTest {

    record Spec(int partitions, Map<String, String> configs) {
    }

    /** The catalogue keyed by base name (without this JVM's SENTIMENT_TOPIC_PREFIX). */
    static Map<String, Spec> catalogue() {
        final Map<String, Spec> out = new TreeMap<>();
        for (final Topic<?, ?> t : Topics.ALL) {
            out.put(t.name().substring(Topics.PREFIX.length()), new Spec(t.partitions(), new TreeMap<>(t.configs())));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.sentimentstreams.deploy.KubernetesManifestsTest#kustomizations")
    void kafkaTopicsMatchTheCatalogue(final String overlay) {
        final Map<String, Spec> declared = new TreeMap<>();
        final List<Kustomize.Rendered> rendered = KubernetesManifestsTest.render(overlay);
        final String prefix = KubernetesManifestsTest.topicPrefix(rendered);
        for (final Kustomize.Rendered r : rendered) {
            if (!r.kind().equals("KafkaTopic")) {
                continue;
            }
            final JsonNode spec = r.object().path("spec");
            final String prefixed = spec.path("topicName").asText(r.name());
            assertThat(r.name()).as("%s: the KafkaTopic's name is its topic's", overlay).isEqualTo(prefixed);
            assertThat(prefixed).as("%s: topic names carry the install's SENTIMENT_TOPIC_PREFIX", overlay)
                    .startsWith(prefix);
            final String name = prefixed.substring(prefix.length());
            final Map<String, String> configs = new TreeMap<>();
            spec.path("config").fields().forEachRemaining(e -> configs.put(e.getKey(), e.getValue().asText()));
            assertThat(declared.put(name, new Spec(spec.path("partitions").asInt(), configs)))
                    .as("%s declares topic %s twice", overlay, name).isNull();
        }
        assertThat(declared).as("KafkaTopic resources of %s vs io.sentimentstreams.topics.Topics.ALL", overlay)
                .isEqualTo(catalogue());
    }

    @Test
    void composeTopicStepCreatesExactlyTheCatalogue() {
        final String script = ComposeFileTest.compose().at("/services/kafka-topics/command/0").asText();
        final Pattern create = Pattern.compile("^\\s*create\\s+(\\S+)\\s+(\\d+)((?:\\s+--config\\s+\\S+)*)\\s*$", Pattern.MULTILINE);
        final Matcher m = create.matcher(script);
        final Map<String, Spec> declared = new TreeMap<>();
        while (m.find()) {
            final Map<String, String> configs = new TreeMap<>();
            for (final String kv : m.group(3).trim().split("\\s*--config\\s+")) {
                if (!kv.isBlank()) {
                    configs.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
            }
            declared.put(m.group(1), new Spec(Integer.parseInt(m.group(2)), configs));
        }
        final List<String> names = new ArrayList<>(declared.keySet());
        assertThat(names).as("topics created by docker-compose's kafka-topics step").isNotEmpty();
        assertThat(declared).as("docker-compose kafka-topics vs io.sentimentstreams.topics.Topics.ALL").isEqualTo(catalogue());
    }
}
