package io.sentimentstreams.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentimentstreams.topics.Topic;
import io.sentimentstreams.topics.Topics;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compose and Kubernetes agree with each other and with the code: one namespace for base, overlays and the
 * commands in the docs; one tag per image in base, overlays and compose; the dashboards provisioned on
 * Kubernetes are the files compose mounts; every Kafka id the services derive carries the topic prefix; and
 * every client's KafkaUser grants what its code uses (topics from the {@link Topics} catalogue, group and
 * transactional ids from the services' application.properties and the CLI's sources).
 */
class DeploymentConsistencyTest {

    private static final String NAMESPACE = "sentiment";
    private static final String PREFIX_EXPRESSION = "${sentiment.topic.prefix:${SENTIMENT_TOPIC_PREFIX:}}";
    private static final Pattern OUR_IMAGE = Pattern.compile("(sentiment-streams/[a-z-]+):([A-Za-z0-9_.-]+)");

    @Test
    void baseOverlaysAndTheDocumentedCommandsUseOneNamespace() throws IOException {
        for (final String k : KubernetesManifestsTest.KUSTOMIZATIONS) {
            for (final Kustomize.Rendered r : KubernetesManifestsTest.render(k)) {
                if (r.kind().equals("Namespace")) {
                    assertThat(r.name()).as(k + ": " + r.origin()).isEqualTo(NAMESPACE);
                } else if (r.namespace() != null) {
                    assertThat(r.namespace()).as(k + ": " + r.id() + " from " + r.origin()).isEqualTo(NAMESPACE);
                }
            }
        }
        final Pattern namespaceFlag = Pattern.compile("kubectl\\s+(?:-n|--namespace)[ =](\\S+)");
        for (final String doc : List.of("README.md", "docs/operations.md", "docs/model.md")) {
            final Matcher m = namespaceFlag.matcher(RepoFiles.read(RepoFiles.path(doc)));
            while (m.find()) {
                assertThat(m.group(1)).as(doc + ": " + m.group()).isEqualTo(NAMESPACE);
            }
        }
    }

    @Test
    void everyImageOfOursHasOneTagInBaseOverlaysAndCompose() {
        final Map<String, Set<String>> tags = new TreeMap<>();
        final Map<String, List<String>> where = new TreeMap<>();
        for (final String k : KubernetesManifestsTest.KUSTOMIZATIONS) {
            for (final Kustomize.Rendered r : KubernetesManifestsTest.render(k)) {
                images(r.object(), k + " " + r.id(), tags, where);
            }
        }
        images(RepoFiles.readYaml(RepoFiles.path("docker-compose.yml")), "docker-compose.yml", tags, where);
        assertThat(tags).as("images found").containsKeys("sentiment-streams/ingest-service",
                "sentiment-streams/preprocess-service", "sentiment-streams/inference-service", "sentiment-streams/trainer");
        tags.forEach((image, t) -> assertThat(t).as(image + " is tagged differently in " + where.get(image)).hasSize(1));
        assertThat(new TreeSet<>(tags.values().stream().flatMap(Set::stream).toList()))
                .as("one release tag for every image").hasSize(1);
    }

    private static void images(final JsonNode node, final String origin, final Map<String, Set<String>> tags,
                               final Map<String, List<String>> where) {
        if (node.isTextual()) {
            final Matcher m = OUR_IMAGE.matcher(node.asText());
            if (m.matches()) {
                tags.computeIfAbsent(m.group(1), i -> new TreeSet<>()).add(m.group(2));
                where.computeIfAbsent(m.group(1), i -> new ArrayList<>()).add(origin + "=" + m.group(2));
            }
        }
        node.elements().forEachRemaining(child -> images(child, origin, tags, where));
    }

    @Test
    void kubernetesProvisionsEveryDashboardComposeMounts() throws IOException {
        final List<Kustomize.Rendered> base = KubernetesManifestsTest.render("deploy/k8s/base");
        final JsonNode cm = base.stream().filter(r -> r.kind().equals("ConfigMap")
                && r.name().equals("grafana-dashboards-sentiment")).findFirst().orElseThrow().object();
        assertThat(cm.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
        final Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(RepoFiles.path("deploy/grafana/dashboards"))) {
            for (final Path p : s.filter(p -> p.toString().endsWith(".json")).toList()) {
                files.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        final Map<String, String> data = new TreeMap<>();
        cm.path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
        assertThat(data).isEqualTo(files);
    }

    /** The service's application.properties (default profile only). */
    private static Properties properties(final String service) throws IOException {
        final Properties p = new Properties();
        p.load(new StringReader(RepoFiles.read(RepoFiles.path(service + "/src/main/resources/application.properties"))));
        return p;
    }

    @Test
    void everyKafkaIdTheServicesDeriveCarriesTheTopicPrefix() throws IOException {
        final Map<String, String> ids = ids();
        ids.forEach((what, value) -> assertThat(value).as(what).startsWith(PREFIX_EXPRESSION));
        assertThat(ids).hasSize(5);
    }

    /** Every application, group and transactional id the three services configure, with the prefix expression. */
    private static Map<String, String> ids() throws IOException {
        final Map<String, String> ids = new LinkedHashMap<>();
        ids.put("ingest application id", properties("ingest-service").getProperty("quarkus.kafka-streams.application-id"));
        ids.put("ingest transactional id prefix",
                properties("ingest-service").getProperty("sentiment.ingest.kafka.transactional-id-prefix"));
        ids.put("preprocess application id",
                properties("preprocess-service").getProperty("quarkus.kafka-streams.application-id"));
        ids.put("inference group id", properties("inference-service").getProperty("sentiment.inference.group-id"));
        ids.put("inference transactional id prefix",
                properties("inference-service").getProperty("sentiment.inference.transactional-id-prefix"));
        return ids;
    }

    /** An id as the base deploys it: no topic prefix, and placeholders like ${HOSTNAME:local} cut off. */
    private static String unprefixed(final String id) {
        final String bare = id.replace(PREFIX_EXPRESSION, "");
        final int placeholder = bare.indexOf("${");
        return placeholder < 0 ? bare : bare.substring(0, placeholder);
    }

    /** One permission a client's code needs: resource type, name, operation. */
    private record Need(String type, String name, String operation) {
        @Override
        public String toString() {
            return operation + " " + type + " " + name;
        }
    }

    /** Needs on catalogue topics, named as an install with {@code prefix} names them. */
    private static List<Need> topics(final String prefix, final String operation, final Topic<?, ?>... topics) {
        return Stream.of(topics).map(t -> new Need("topic", prefix + t.name().substring(Topics.PREFIX.length()),
                operation)).toList();
    }

    /** A string constant {@code NAME = "value"} of a main source file (the ids the CLI and trainer use). */
    private static String constant(final String source, final String name) {
        final Matcher m = Pattern.compile(name + "\\s*=\\s*\"([^\"]+)\"").matcher(RepoFiles.read(RepoFiles.path(source)));
        assertThat(m.find()).as(name + " in " + source).isTrue();
        return m.group(1);
    }

    private static String literalAfter(final String source, final String marker) {
        final String text = RepoFiles.read(RepoFiles.path(source));
        final int at = text.indexOf(marker);
        assertThat(at).as(marker + " in " + source).isNotNegative();
        final Matcher m = Pattern.compile("\"([^\"]+)\"").matcher(text.substring(at));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /**
     * What each client's code uses on an install whose SENTIMENT_TOPIC_PREFIX is {@code prefix}: the catalogue
     * topics and every application, group and transactional id, all with the prefix in front.
     */
    private static Map<String, List<Need>> needs(final String prefix) throws IOException {
        final Map<String, String> ids = ids();
        final String ingestApp = prefix + unprefixed(ids.get("ingest application id"));
        final String preprocessApp = prefix + unprefixed(ids.get("preprocess application id"));
        final Map<String, List<Need>> needs = new LinkedHashMap<>();
        final List<Need> ingest = new ArrayList<>(topics(prefix, "Read", Topics.INBOUND, Topics.LABELED, Topics.DLQ));
        ingest.addAll(topics(prefix, "Write", Topics.RAW, Topics.DLQ));
        // Kafka Streams: the application id is the group, the prefix of its internal topics and of its
        // exactly-once transactional ids.
        ingest.add(new Need("group", ingestApp, "Read"));
        ingest.add(new Need("topic", ingestApp + "-x-changelog", "Write"));
        ingest.add(new Need("transactionalId", ingestApp + "-x", "Write"));
        ingest.add(new Need("transactionalId", prefix + unprefixed(ids.get("ingest transactional id prefix")) + "-x",
                "Write"));
        needs.put("ingest-service", ingest);
        final List<Need> preprocess = new ArrayList<>(topics(prefix, "Read", Topics.RAW, Topics.MODELS));
        preprocess.addAll(topics(prefix, "Write", Topics.ENCODED, Topics.DLQ));
        preprocess.add(new Need("group", preprocessApp, "Read"));
        preprocess.add(new Need("topic", preprocessApp + "-x-changelog", "Write"));
        preprocess.add(new Need("topic", preprocessApp + "-x-changelog", "Read"));
        preprocess.add(new Need("transactionalId", preprocessApp + "-x", "Write"));
        needs.put("preprocess-service", preprocess);
        final List<Need> inference = new ArrayList<>(topics(prefix, "Read", Topics.ENCODED, Topics.MODELS));
        inference.addAll(topics(prefix, "Write", Topics.LABELED, Topics.LABELED_POSITIVE, Topics.LABELED_NEGATIVE,
                Topics.SHADOW, Topics.DLQ));
        inference.add(new Need("group", prefix + unprefixed(ids.get("inference group id")), "Read"));
        inference.add(new Need("transactionalId", prefix + unprefixed(ids.get("inference transactional id prefix"))
                + "x-0", "Write"));
        needs.put("inference-service", inference);
        // publish and models retire: read the topic, write in a transaction named after the model.
        final List<Need> trainer = new ArrayList<>(topics(prefix, "Read", Topics.MODELS));
        trainer.addAll(topics(prefix, "Write", Topics.MODELS));
        trainer.add(new Need("transactionalId", prefix + literalAfter(
                "trainer/src/main/java/io/sentimentstreams/trainer/Publisher.java",
                "TRANSACTIONAL_ID_CONFIG, Topics.PREFIX + ") + "imdb-en", "Write"));
        // promote and rollback: one rollout record in a transaction named after the language.
        trainer.add(new Need("transactionalId", prefix + literalAfter(
                "trainer/src/main/java/io/sentimentstreams/trainer/RolloutPublisher.java",
                "TRANSACTIONAL_ID_CONFIG, Topics.PREFIX + ") + "en", "Write"));
        needs.put("trainer", trainer);
        final List<Need> replay = new ArrayList<>(topics(prefix, "Read", Topics.DLQ, Topics.DLQ_REPLAYS));
        replay.addAll(topics(prefix, "Write", Topics.DLQ_REPLAYS, Topics.INBOUND, Topics.RAW, Topics.ENCODED));
        replay.add(new Need("transactionalId", prefix + constant(
                "sentiment-cli/src/main/java/io/sentimentstreams/cli/dlq/DeadLetterReplay.java", "TRANSACTIONAL_ID"),
                "Write"));
        needs.put("dlq-replay", replay);
        // KEDA reads the lag of the two scaled consumer groups on their input topics.
        final List<Need> keda = new ArrayList<>(topics(prefix, "Describe", Topics.RAW, Topics.ENCODED));
        keda.add(new Need("group", preprocessApp, "Describe"));
        keda.add(new Need("group", prefix + unprefixed(ids.get("inference group id")), "Describe"));
        needs.put("keda-lag-reader", keda);
        return needs;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.sentimentstreams.deploy.KubernetesManifestsTest#kustomizations")
    void everyClientsKafkaUserGrantsWhatItsCodeUsesWithTheInstallsTopicPrefix(final String kustomization)
            throws IOException {
        final List<Kustomize.Rendered> rendered = KubernetesManifestsTest.render(kustomization);
        final String prefix = KubernetesManifestsTest.topicPrefix(rendered);
        final Map<String, JsonNode> users = new TreeMap<>();
        for (final Kustomize.Rendered r : rendered) {
            if (r.kind().equals("KafkaUser")) {
                users.put(r.name(), r.object());
            }
        }
        final List<String> missing = new ArrayList<>();
        needs(prefix).forEach((user, list) -> {
            final JsonNode u = users.get(user);
            if (u == null) {
                missing.add(user + ": no KafkaUser");
                return;
            }
            for (final Need n : list) {
                if (!granted(u, n)) {
                    missing.add(user + ": " + n);
                }
            }
        });
        assertThat(missing).as("%s (SENTIMENT_TOPIC_PREFIX '%s'): permissions the code uses that the KafkaUser does"
                + " not grant", kustomization, prefix).isEmpty();
        // An install reaches its own topics and ids only.
        final List<String> foreign = new ArrayList<>();
        users.forEach((user, u) -> u.at("/spec/authorization/acls").forEach(acl -> {
            final String name = acl.at("/resource/name").asText();
            if (!acl.at("/resource/type").asText().equals("cluster") && !name.startsWith(prefix)) {
                foreign.add(user + ": " + acl.at("/resource/type").asText() + " " + name);
            }
        }));
        assertThat(foreign).as("%s: ACL names without the prefix '%s'", kustomization, prefix).isEmpty();
        // KEDA measures the lag of the groups the services really use.
        final Map<String, String> groups = new TreeMap<>();
        for (final Kustomize.Rendered r : rendered) {
            if (r.kind().equals("ScaledObject")) {
                r.object().at("/spec/triggers").forEach(t -> {
                    if (t.path("type").asText().equals("kafka")) {
                        groups.put(r.name(), t.at("/metadata/consumerGroup").asText());
                    }
                });
            }
        }
        assertThat(groups).as("%s: ScaledObject consumer groups", kustomization).isEqualTo(Map.of(
                "preprocess-service", prefix + unprefixed(ids().get("preprocess application id")),
                "inference-service", prefix + unprefixed(ids().get("inference group id"))));
    }

    @Test
    void thePrefixedOverlaySetsANonEmptyPrefix() {
        assertThat(KubernetesManifestsTest.topicPrefix(KubernetesManifestsTest.render("deploy/k8s/overlays/prefixed")))
                .isEqualTo("team-a.");
        assertThat(KubernetesManifestsTest.topicPrefix(KubernetesManifestsTest.render("deploy/k8s/base"))).isEmpty();
    }

    private static boolean granted(final JsonNode user, final Need need) {
        for (final JsonNode acl : user.at("/spec/authorization/acls")) {
            final JsonNode res = acl.path("resource");
            if (!res.path("type").asText().equals(need.type())) {
                continue;
            }
            final String name = res.path("name").asText();
            final boolean nameMatches = res.path("patternType").asText("literal").equals("prefix")
                    ? need.name().startsWith(name) : name.equals(need.name()) || name.equals("*");
            if (!nameMatches) {
                continue;
            }
            for (final JsonNode op : acl.path("operations")) {
                if (op.asText().equals(need.operation()) || op.asText().equals("All")) {
                    return true;
                }
            }
        }
        return false;
    }
}
