package io.sentimentstreams.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.sentimentstreams.topics.Topic;
import io.sentimentstreams.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Renders deploy/k8s (base and each overlay) and checks every object: fabric8 parses the built-in kinds
 * with no unknown field, custom resources match {@link CrdSchemas}, pods are hardened, images pinned,
 * secrets only referenced, every reference resolves, and Kafka replication fits the brokers.
 */
class KubernetesManifestsTest {

    static final List<String> KUSTOMIZATIONS = List.of("deploy/k8s/base", "deploy/k8s/overlays/dev", "deploy/k8s/overlays/prod",
            "deploy/k8s/overlays/prefixed");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final Pattern SECRET_LIKE = Pattern.compile("(?i).*(PASSWORD|SECRET|TOKEN|JAAS|CREDENTIAL|PRIVATE_KEY|API_KEY).*");
    private static final Pattern PINNED_IMAGE = Pattern.compile("^[^:@]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[0-9a-f]{64})?$");
    private static final Set<String> POD_OWNERS = Set.of("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob");

    static Stream<String> kustomizations() {
        return KUSTOMIZATIONS.stream();
    }

    static List<Kustomize.Rendered> render(final String relative) {
        return Kustomize.build(RepoFiles.path(relative));
    }

    /** The ConfigMaps of every Kafka client in the cluster: the three services and the trainer's jobs. */
    static final List<String> CLIENT_CONFIG_MAPS = List.of("ingest-service", "preprocess-service", "inference-service",
            "trainer");

    /**
     * The topic prefix an install sets: SENTIMENT_TOPIC_PREFIX of every client's ConfigMap, which must all
     * declare it and agree ("" in the base).
     */
    static String topicPrefix(final Iterable<Kustomize.Rendered> rendered) {
        final Map<String, String> values = new java.util.TreeMap<>();
        for (final Kustomize.Rendered r : rendered) {
            if (r.kind().equals("ConfigMap") && CLIENT_CONFIG_MAPS.contains(r.name())) {
                final JsonNode v = r.object().at("/data/SENTIMENT_TOPIC_PREFIX");
                assertThat(v.isTextual()).as("ConfigMap %s declares SENTIMENT_TOPIC_PREFIX", r.name()).isTrue();
                values.put(r.name(), v.asText());
            }
        }
        assertThat(values).as("client ConfigMaps").containsOnlyKeys(CLIENT_CONFIG_MAPS);
        assertThat(new HashSet<>(values.values())).as("one SENTIMENT_TOPIC_PREFIX for every client: %s", values)
                .hasSize(1);
        return values.values().iterator().next();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void builtInKindsParseWithFabric8WithoutUnknownFields(final String overlay) throws Exception {
        final List<String> errors = new ArrayList<>();
        for (final Kustomize.Rendered r : render(overlay)) {
            final Class<? extends KubernetesResource> type = SERIALIZATION.getRegisteredKubernetesResource(
                    r.object().path("apiVersion").asText(), r.kind());
            if (type == null || type == GenericKubernetesResource.class) {
                continue; // custom resources: see customResourcesMatchTheirSchemas
            }
            try {
                final Object model = SERIALIZATION.unmarshal(RepoFiles.JSON.writeValueAsString(r.object()), type);
                UnknownFields.find(model).forEach(e -> errors.add(r.origin() + " " + r.id() + " " + e));
            } catch (RuntimeException e) {
                errors.add(r.origin() + " " + r.id() + ": fabric8 cannot parse it as " + type.getSimpleName() + ": " + e.getMessage());
            }
        }
        assertThat(errors).as("fabric8 model problems in %s", overlay).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void customResourcesMatchTheirSchemas(final String overlay) {
        final List<String> errors = new ArrayList<>();
        for (final Kustomize.Rendered r : render(overlay)) {
            final Class<? extends KubernetesResource> type = SERIALIZATION.getRegisteredKubernetesResource(
                    r.object().path("apiVersion").asText(), r.kind());
            if (type == null || type == GenericKubernetesResource.class) {
                CrdSchemas.check(r.object()).forEach(e -> errors.add(r.origin() + " " + r.id() + ": " + e));
            }
            if (r.kind().equals("ScaledObject")) {
                for (final JsonNode t : r.object().at("/spec/triggers")) {
                    if (t.path("type").asText().equals("kafka")) {
                        t.path("metadata").fieldNames().forEachRemaining(k -> {
                            if (!CrdSchemas.KEDA_KAFKA_METADATA.contains(k)) {
                                errors.add(r.origin() + " " + r.id() + ": unknown kafka trigger metadata '" + k + "'");
                            }
                        });
                    }
                }
            }
        }
        assertThat(errors).as("custom resource problems in %s", overlay).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void podsAreHardenedAndBounded(final String overlay) {
        final List<String> errors = new ArrayList<>();
        for (final Kustomize.Rendered r : render(overlay)) {
            final JsonNode pod = podSpec(r);
            if (pod == null) {
                continue;
            }
            final String where = r.origin() + " " + r.id();
            if (!pod.at("/securityContext/runAsNonRoot").asBoolean(false)) {
                errors.add(where + ": pod securityContext.runAsNonRoot is not true");
            }
            if (pod.at("/securityContext/runAsUser").asInt(-1) == 0) {
                errors.add(where + ": pod runs as uid 0");
            }
            for (final JsonNode c : containers(pod)) {
                final String cw = where + " container " + c.path("name").asText();
                for (final String res : List.of("requests/cpu", "requests/memory", "limits/cpu", "limits/memory")) {
                    if (c.at("/resources/" + res).isMissingNode()) {
                        errors.add(cw + ": resources." + res.replace('/', '.') + " missing");
                    }
                }
                final JsonNode sc = c.path("securityContext");
                if (sc.path("allowPrivilegeEscalation").asBoolean(true)) {
                    errors.add(cw + ": allowPrivilegeEscalation is not false");
                }
                if (!sc.path("readOnlyRootFilesystem").asBoolean(false)) {
                    errors.add(cw + ": readOnlyRootFilesystem is not true");
                }
                boolean dropsAll = false;
                for (final JsonNode cap : sc.at("/capabilities/drop")) {
                    dropsAll |= cap.asText().equals("ALL");
                }
                if (!dropsAll) {
                    errors.add(cw + ": capabilities.drop does not contain ALL");
                }
                if (sc.path("privileged").asBoolean(false)) {
                    errors.add(cw + ": privileged");
                }
                final String image = c.path("image").asText("");
                if (!PINNED_IMAGE.matcher(image).matches() || !(image.contains(":") || image.contains("@"))
                        || image.endsWith(":latest")) {
                    errors.add(cw + ": image '" + image + "' is not pinned to a tag or digest (and never :latest)");
                }
            }
        }
        assertThat(errors).as("pod policy violations in %s", overlay).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void deploymentsProbeReadinessAndLivenessOnDeclaredPorts(final String overlay) {
        final List<String> errors = new ArrayList<>();
        for (final Kustomize.Rendered r : render(overlay)) {
            if (!r.kind().equals("Deployment")) {
                continue;
            }
            for (final JsonNode c : r.object().at("/spec/template/spec/containers")) {
                final Set<String> ports = new HashSet<>();
                for (final JsonNode p : c.path("ports")) {
                    ports.add(p.path("name").asText());
                    ports.add(p.path("containerPort").asText());
                }
                for (final String probe : List.of("readinessProbe", "livenessProbe")) {
                    final JsonNode http = c.path(probe).path("httpGet");
                    if (http.isMissingNode()) {
                        errors.add(r.id() + " " + c.path("name").asText() + ": no " + probe + ".httpGet");
                    } else if (!ports.contains(http.path("port").asText())) {
                        errors.add(r.id() + " " + c.path("name").asText() + ": " + probe + " port "
                                + http.path("port").asText() + " is not a declared container port");
                    }
                }
                if (!c.at("/readinessProbe/httpGet/path").asText().equals("/q/health/ready")
                        || !c.at("/livenessProbe/httpGet/path").asText().equals("/q/health/live")) {
                    errors.add(r.id() + ": Quarkus services probe /q/health/ready and /q/health/live");
                }
            }
        }
        assertThat(errors).as("probe problems in %s", overlay).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void secretsAreOnlyReferencedAndIssuedByStrimzi(final String overlay) {
        final List<Kustomize.Rendered> objects = render(overlay);
        final Set<String> issued = new HashSet<>();
        for (final Kustomize.Rendered r : objects) {
            if (r.kind().equals("KafkaUser")) {
                issued.add(r.name());
            } else if (r.kind().equals("Kafka")) {
                issued.add(r.name() + "-cluster-ca-cert");
            }
        }
        final List<String> errors = new ArrayList<>();
        for (final Kustomize.Rendered r : objects) {
            final String where = r.origin() + " " + r.id();
            if (r.kind().equals("Secret")) {
                errors.add(where + ": Secrets are never committed; reference one issued by Strimzi or created out of band");
            }
            if (r.kind().equals("ConfigMap")) {
                r.object().path("data").fieldNames().forEachRemaining(k -> {
                    if (SECRET_LIKE.matcher(k).matches()) {
                        errors.add(where + ": ConfigMap key " + k + " looks like a secret");
                    }
                });
            }
            final List<String> refs = new ArrayList<>();
            final JsonNode pod = podSpec(r);
            if (pod != null) {
                for (final JsonNode c : containers(pod)) {
                    for (final JsonNode env : c.path("env")) {
                        final String name = env.path("name").asText();
                        if (SECRET_LIKE.matcher(name).matches() && env.has("value")) {
                            errors.add(where + ": env " + name + " has an inline value; use valueFrom.secretKeyRef");
                        }
                        if (env.at("/valueFrom/secretKeyRef").isObject()) {
                            refs.add(env.at("/valueFrom/secretKeyRef/name").asText());
                        }
                    }
                    for (final JsonNode from : c.path("envFrom")) {
                        if (from.has("secretRef")) {
                            refs.add(from.at("/secretRef/name").asText());
                        }
                    }
                }
                for (final JsonNode v : pod.path("volumes")) {
                    if (v.has("secret")) {
                        refs.add(v.at("/secret/secretName").asText());
                    }
                }
            }
            if (r.kind().equals("TriggerAuthentication")) {
                for (final JsonNode s : r.object().at("/spec/secretTargetRef")) {
                    refs.add(s.path("name").asText());
                }
            }
            for (final String ref : refs) {
                if (!issued.contains(ref)) {
                    errors.add(where + ": references Secret '" + ref + "', which no KafkaUser or Kafka cluster CA here issues");
                }
            }
        }
        assertThat(errors).as("secret handling in %s", overlay).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void everyReferenceResolves(final String overlay) {
        final List<Kustomize.Rendered> objects = render(overlay);
        final Map<String, Kustomize.Rendered> byId = new HashMap<>();
        objects.forEach(r -> byId.put(r.id(), r));
        final List<String> errors = new ArrayList<>();
        final Map<String, String> scaledBy = new HashMap<>();
        for (final Kustomize.Rendered r : objects) {
            final String where = r.origin() + " " + r.id();
            switch (r.kind()) {
                case "Service" -> {
                    final List<Kustomize.Rendered> pods = selected(objects, r.object().at("/spec/selector"));
                    if (pods.isEmpty()) {
                        errors.add(where + ": selector matches no Deployment");
                    }
                    for (final JsonNode port : r.object().at("/spec/ports")) {
                        final String target = port.path("targetPort").asText();
                        for (final Kustomize.Rendered d : pods) {
                            if (!d.object().at("/spec/template/spec/containers").findValuesAsText("name").contains(target)
                                    && !d.object().at("/spec/template/spec/containers").findValuesAsText("containerPort").contains(target)) {
                                errors.add(where + ": targetPort " + target + " is not a port of " + d.id());
                            }
                        }
                    }
                }
                case "PodDisruptionBudget" -> {
                    if (selected(objects, r.object().at("/spec/selector/matchLabels")).isEmpty()) {
                        errors.add(where + ": selector matches no Deployment");
                    }
                }
                case "HorizontalPodAutoscaler", "ScaledObject" -> {
                    final String target = "Deployment/" + r.object().at("/spec/scaleTargetRef/name").asText();
                    if (!byId.containsKey(target)) {
                        errors.add(where + ": scaleTargetRef " + target + " does not exist");
                    } else if (scaledBy.put(target, r.id()) != null) {
                        errors.add(where + ": " + target + " is already scaled by " + scaledBy.get(target) + " (only one autoscaler per workload)");
                    }
                    if (r.kind().equals("ScaledObject")) {
                        checkScaledObject(r, byId, errors);
                    }
                }
                case "ServiceMonitor" -> {
                    final List<Kustomize.Rendered> services = objects.stream().filter(o -> o.kind().equals("Service"))
                            .filter(o -> labelsMatch(o.object().at("/metadata/labels"), r.object().at("/spec/selector/matchLabels")))
                            .toList();
                    if (services.isEmpty()) {
                        errors.add(where + ": selects no Service");
                    }
                    for (final JsonNode ep : r.object().at("/spec/endpoints")) {
                        for (final Kustomize.Rendered s : services) {
                            if (!s.object().at("/spec/ports").findValuesAsText("name").contains(ep.path("port").asText())) {
                                errors.add(where + ": Service " + s.name() + " has no port named " + ep.path("port").asText());
                            }
                        }
                    }
                }
                case "KafkaTopic", "KafkaUser", "KafkaNodePool" -> {
                    final String cluster = r.object().at("/metadata/labels/strimzi.io~1cluster").asText();
                    if (!byId.containsKey("Kafka/" + cluster)) {
                        errors.add(where + ": strimzi.io/cluster=" + cluster + " names no Kafka resource");
                    }
                }
                default -> {
                }
            }
            final JsonNode pod = podSpec(r);
            if (pod != null) {
                final Set<String> volumes = new HashSet<>(pod.path("volumes").findValuesAsText("name"));
                for (final JsonNode c : containers(pod)) {
                    for (final JsonNode m : c.path("volumeMounts")) {
                        if (!volumes.contains(m.path("name").asText())) {
                            errors.add(where + ": volumeMount " + m.path("name").asText() + " has no volume");
                        }
                    }
                    for (final JsonNode from : c.path("envFrom")) {
                        if (from.has("configMapRef") && !byId.containsKey("ConfigMap/" + from.at("/configMapRef/name").asText())) {
                            errors.add(where + ": envFrom ConfigMap " + from.at("/configMapRef/name").asText() + " does not exist");
                        }
                    }
                }
                for (final JsonNode v : pod.path("volumes")) {
                    if (v.has("persistentVolumeClaim")
                            && !byId.containsKey("PersistentVolumeClaim/" + v.at("/persistentVolumeClaim/claimName").asText())) {
                        errors.add(where + ": PVC " + v.at("/persistentVolumeClaim/claimName").asText() + " does not exist");
                    }
                }
            }
        }
        for (final Kustomize.Rendered r : objects) {
            if (r.kind().equals("ConfigMap") && r.object().at("/data/KAFKA_BOOTSTRAP_SERVERS").isTextual()) {
                checkBootstrap(r, r.object().at("/data/KAFKA_BOOTSTRAP_SERVERS").asText(), byId, errors);
            }
        }
        assertThat(errors).as("unresolved references in %s", overlay).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void kafkaReplicationFitsTheBrokers(final String overlay) {
        final List<Kustomize.Rendered> objects = render(overlay);
        final List<String> errors = new ArrayList<>();
        for (final Kustomize.Rendered kafka : objects.stream().filter(o -> o.kind().equals("Kafka")).toList()) {
            int brokers = 0;
            for (final Kustomize.Rendered pool : objects) {
                if (pool.kind().equals("KafkaNodePool")
                        && pool.object().at("/metadata/labels/strimzi.io~1cluster").asText().equals(kafka.name())
                        && hasRole(pool.object().at("/spec/roles"), "broker")) {
                    brokers += pool.object().at("/spec/replicas").asInt();
                }
            }
            final JsonNode config = kafka.object().at("/spec/kafka/config");
            final int rf = config.path("default.replication.factor").asInt(1);
            final int minIsr = config.path("min.insync.replicas").asInt(1);
            if (brokers < 1) {
                errors.add(kafka.id() + ": no KafkaNodePool with the broker role");
            }
            for (final String key : List.of("default.replication.factor", "offsets.topic.replication.factor",
                    "transaction.state.log.replication.factor")) {
                if (config.path(key).asInt(1) > brokers) {
                    errors.add(kafka.id() + ": " + key + "=" + config.path(key).asInt() + " exceeds the " + brokers + " broker(s)");
                }
            }
            if (minIsr > rf || config.path("transaction.state.log.min.isr").asInt(1)
                    > config.path("transaction.state.log.replication.factor").asInt(1)) {
                errors.add(kafka.id() + ": an ISR minimum exceeds its replication factor (no write could succeed)");
            }
            if (brokers >= 3 && minIsr >= rf) {
                errors.add(kafka.id() + ": with " + brokers + " brokers, min.insync.replicas must be below the replication factor to survive one broker loss");
            }
            final int maxMessage = Topics.MODEL_MAX_BYTES;
            if (config.path("replica.fetch.max.bytes").asInt(1048576) < maxMessage) {
                errors.add(kafka.id() + ": replica.fetch.max.bytes must be at least " + maxMessage + " to replicate a model bundle");
            }
        }
        assertThat(errors).as("Kafka sizing in %s", overlay).isEmpty();
    }

    @Test
    void baseFilesAreNamedNnnKindNameAndAllListedInOrder() throws IOException {
        final Path base = RepoFiles.path("deploy/k8s/base");
        final Pattern name = Pattern.compile("(\\d{3})-([A-Za-z]+)-(.+)\\.yaml");
        final List<String> files;
        try (Stream<Path> s = Files.list(base)) {
            files = s.map(p -> p.getFileName().toString()).filter(f -> !f.equals("kustomization.yaml")).sorted().toList();
        }
        final List<String> errors = new ArrayList<>();
        for (final String f : files) {
            final Matcher m = name.matcher(f);
            if (!m.matches()) {
                errors.add(f + ": not named NNN-Kind-name.yaml");
                continue;
            }
            final JsonNode doc = RepoFiles.readYaml(base.resolve(f));
            if (!doc.path("kind").asText().equals(m.group(2)) || !doc.at("/metadata/name").asText().equals(m.group(3))) {
                errors.add(f + ": holds " + doc.path("kind").asText() + "/" + doc.at("/metadata/name").asText());
            }
        }
        final List<String> resources = new ArrayList<>();
        final List<String> generated = new ArrayList<>();
        // Besides its files, the base includes deploy/grafana, whose kustomization generates the dashboards' ConfigMap.
        RepoFiles.readYaml(base.resolve("kustomization.yaml")).path("resources")
                .forEach(n -> (n.asText().startsWith("../") ? generated : resources).add(n.asText()));
        assertThat(generated).containsExactly("../../grafana");
        assertThat(errors).isEmpty();
        assertThat(resources).as("base/kustomization.yaml lists every file, in apply (file name) order").isEqualTo(files);
    }

    @Test
    void aMisspeltFieldIsReportedAsUnknown() {
        final String yaml = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers:
                        - name: c
                          image: example/c:1
                          readinesProbe: {httpGet: {path: /q/health/ready, port: 8080}}
                """;
        final Deployment d = SERIALIZATION.unmarshal(yaml, Deployment.class);
        assertThat(UnknownFields.find(d)).containsExactly(".spec.template.spec.containers[0]: unknown field(s) [readinesProbe]");
    }

    private static void checkScaledObject(final Kustomize.Rendered r, final Map<String, Kustomize.Rendered> byId,
                                          final List<String> errors) {
        final String where = r.origin() + " " + r.id();
        final int max = r.object().at("/spec/maxReplicaCount").asInt();
        final Kustomize.Rendered target = byId.get("Deployment/" + r.object().at("/spec/scaleTargetRef/name").asText());
        for (final JsonNode t : r.object().at("/spec/triggers")) {
            final String type = t.path("type").asText();
            if (type.equals("kafka")) {
                final String prefix = topicPrefix(byId.values());
                final String topic = t.at("/metadata/topic").asText();
                final Topic<?, ?> catalogued = !topic.startsWith(prefix) ? null : Topics.ALL.stream()
                        .filter(c -> c.name().equals(Topics.PREFIX + topic.substring(prefix.length())))
                        .findFirst().orElse(null);
                if (catalogued == null) {
                    errors.add(where + ": kafka trigger topic " + topic + " is not in the Topics catalogue (with the install's prefix '" + prefix + "')");
                } else if (max > catalogued.partitions()) {
                    errors.add(where + ": maxReplicaCount " + max + " exceeds the " + catalogued.partitions()
                            + " partitions of " + topic + " (extra consumers would idle)");
                }
                final String auth = t.at("/authenticationRef/name").asText();
                if (!byId.containsKey("TriggerAuthentication/" + auth)) {
                    errors.add(where + ": authenticationRef " + auth + " does not exist");
                }
                checkBootstrap(r, t.at("/metadata/bootstrapServers").asText(), byId, errors);
            } else if (type.equals("cpu") && target != null) {
                for (final JsonNode c : target.object().at("/spec/template/spec/containers")) {
                    if (c.at("/resources/requests/cpu").isMissingNode()) {
                        errors.add(where + ": a cpu trigger needs cpu requests on " + target.id());
                    }
                }
            }
        }
        final int fallback = r.object().at("/spec/fallback/replicas").asInt(0);
        if (fallback > max || r.object().at("/spec/minReplicaCount").asInt(0) > max) {
            errors.add(where + ": minReplicaCount/fallback.replicas exceed maxReplicaCount");
        }
    }

    /** Bootstrap addresses point at the Strimzi bootstrap Service and the tls listener of a Kafka here. */
    private static void checkBootstrap(final Kustomize.Rendered r, final String bootstrap,
                                       final Map<String, Kustomize.Rendered> byId, final List<String> errors) {
        final Matcher m = Pattern.compile("([a-z0-9-]+)-kafka-bootstrap:(\\d+)").matcher(bootstrap);
        if (!m.matches()) {
            errors.add(r.id() + ": bootstrap " + bootstrap + " is not <kafka>-kafka-bootstrap:<port>");
            return;
        }
        final Kustomize.Rendered kafka = byId.get("Kafka/" + m.group(1));
        if (kafka == null) {
            errors.add(r.id() + ": bootstrap " + bootstrap + " names no Kafka resource");
            return;
        }
        boolean listener = false;
        for (final JsonNode l : kafka.object().at("/spec/kafka/listeners")) {
            listener |= l.path("port").asText().equals(m.group(2)) && l.path("tls").asBoolean(false);
        }
        if (!listener) {
            errors.add(r.id() + ": bootstrap port " + m.group(2) + " is not a tls listener of " + kafka.id());
        }
    }

    private static boolean hasRole(final JsonNode roles, final String role) {
        for (final JsonNode r : roles) {
            if (r.asText().equals(role)) {
                return true;
            }
        }
        return false;
    }

    static JsonNode podSpec(final Kustomize.Rendered r) {
        if (!POD_OWNERS.contains(r.kind())) {
            return null;
        }
        return r.kind().equals("CronJob") ? r.object().at("/spec/jobTemplate/spec/template/spec")
                : r.object().at("/spec/template/spec");
    }

    static List<JsonNode> containers(final JsonNode pod) {
        final List<JsonNode> all = new ArrayList<>();
        pod.path("initContainers").forEach(all::add);
        pod.path("containers").forEach(all::add);
        return all;
    }

    private static List<Kustomize.Rendered> selected(final List<Kustomize.Rendered> objects, final JsonNode selector) {
        return objects.stream().filter(o -> o.kind().equals("Deployment"))
                .filter(o -> labelsMatch(o.object().at("/spec/template/metadata/labels"), selector)).toList();
    }

    private static boolean labelsMatch(final JsonNode labels, final JsonNode selector) {
        if (selector.isMissingNode() || selector.isEmpty()) {
            return false;
        }
        final boolean[] ok = {true};
        selector.fields().forEachRemaining(e -> ok[0] &= labels.path(e.getKey()).asText("\u0000").equals(e.getValue().asText()));
        return ok[0];
    }
}
