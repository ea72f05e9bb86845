package io.sentimentstreams.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Small schemas of the custom resources deploy/k8s uses (Strimzi, KEDA, Prometheus Operator), which
 * have no fabric8 model classes: the apiVersion, the fields that must be there, and the keys allowed
 * at the levels we write, taken from each project's CRD reference. Paths are slash-separated, with
 * {@code *} for every element of a list.
 */
final class CrdSchemas {

    record Schema(String apiVersion, List<String> required, Map<String, Set<String>> allowed) {
    }

    private static final Set<String> PROBE_FREE_STRIMZI_COMPONENT = Set.of("resources", "jvmOptions", "logging",
            "livenessProbe", "readinessProbe", "template", "image", "startupProbe");

    static final Map<String, Schema> SCHEMAS = Map.of(
            "Kafka", new Schema("kafka.strimzi.io/v1beta2",
                    List.of("spec/kafka/listeners", "spec/kafka/version", "spec/kafka/metadataVersion"),
                    Map.of("spec", Set.of("kafka", "entityOperator", "clusterCa", "clientsCa", "cruiseControl",
                                    "kafkaExporter", "maintenanceTimeWindows"),
                            "spec/kafka", Set.of("version", "metadataVersion", "image", "listeners", "config",
                                    "authorization", "rack", "brokerRackInitImage", "livenessProbe", "readinessProbe",
                                    "jvmOptions", "jmxOptions", "resources", "metricsConfig", "logging", "template",
                                    "tieredStorage", "quotas"),
                            "spec/kafka/listeners/*", Set.of("name", "port", "type", "tls", "authentication",
                                    "configuration", "networkPolicyPeers"),
                            "spec/kafka/authorization", Set.of("type", "superUsers"),
                            "spec/entityOperator", Set.of("topicOperator", "userOperator", "template"),
                            "spec/entityOperator/topicOperator", union(PROBE_FREE_STRIMZI_COMPONENT,
                                    Set.of("watchedNamespace", "reconciliationIntervalMs")),
                            "spec/entityOperator/userOperator", union(PROBE_FREE_STRIMZI_COMPONENT,
                                    Set.of("watchedNamespace", "reconciliationIntervalMs", "secretPrefix")),
                            "spec/kafkaExporter", union(PROBE_FREE_STRIMZI_COMPONENT, Set.of("groupRegex",
                                    "topicRegex", "groupExcludeRegex", "topicExcludeRegex", "enableSaramaLogging",
                                    "showAllOffsets")))),
            "KafkaNodePool", new Schema("kafka.strimzi.io/v1beta2",
                    List.of("metadata/labels/strimzi.io~1cluster", "spec/replicas", "spec/roles", "spec/storage"),
                    Map.of("spec", Set.of("replicas", "roles", "storage", "resources", "jvmOptions", "template"),
                            "spec/storage", Set.of("type", "volumes", "size", "class", "deleteClaim", "kraftMetadata",
                                    "selector", "overrides"),
                            "spec/storage/volumes/*", Set.of("id", "type", "size", "class", "deleteClaim",
                                    "kraftMetadata", "selector", "overrides"))),
            "KafkaTopic", new Schema("kafka.strimzi.io/v1beta2",
                    List.of("metadata/labels/strimzi.io~1cluster", "spec/partitions", "spec/config"),
                    Map.of("spec", Set.of("topicName", "partitions", "replicas", "config"))),
            "KafkaUser", new Schema("kafka.strimzi.io/v1beta2",
                    List.of("metadata/labels/strimzi.io~1cluster", "spec/authentication/type", "spec/authorization/acls"),
                    Map.of("spec", Set.of("authentication", "authorization", "quotas", "template"),
                            "spec/authentication", Set.of("type", "password"),
                            "spec/authorization", Set.of("type", "acls"),
                            "spec/authorization/acls/*", Set.of("resource", "type", "host", "operations"),
                            "spec/authorization/acls/*/resource", Set.of("type", "name", "patternType"))),
            "ScaledObject", new Schema("keda.sh/v1alpha1",
                    List.of("spec/scaleTargetRef/name", "spec/triggers", "spec/maxReplicaCount"),
                    Map.of("spec", Set.of("scaleTargetRef", "pollingInterval", "cooldownPeriod",
                                    "initialCooldownPeriod", "idleReplicaCount", "minReplicaCount", "maxReplicaCount",
                                    "fallback", "advanced", "triggers"),
                            "spec/scaleTargetRef", Set.of("apiVersion", "kind", "name", "envSourceContainerName"),
                            "spec/fallback", Set.of("failureThreshold", "replicas", "behavior"),
                            "spec/advanced", Set.of("restoreToOriginalReplicaCount", "horizontalPodAutoscalerConfig",
                                    "scalingModifiers"),
                            "spec/triggers/*", Set.of("type", "name", "metadata", "metricType", "useCachedMetrics",
                                    "authenticationRef"))),
            "TriggerAuthentication", new Schema("keda.sh/v1alpha1",
                    List.of("spec/secretTargetRef"),
                    Map.of("spec", Set.of("secretTargetRef", "env", "configMapTargetRef", "podIdentity",
                                    "hashiCorpVault", "azureKeyVault", "awsSecretManager", "gcpSecretManager"),
                            "spec/secretTargetRef/*", Set.of("parameter", "name", "key"))),
            "ServiceMonitor", new Schema("monitoring.coreos.com/v1",
                    List.of("spec/selector", "spec/endpoints"),
                    Map.of("spec", Set.of("selector", "endpoints", "namespaceSelector", "jobLabel", "targetLabels",
                                    "podTargetLabels", "sampleLimit"),
                            "spec/endpoints/*", Set.of("port", "targetPort", "path", "scheme", "interval",
                                    "scrapeTimeout", "honorLabels", "honorTimestamps", "relabelings",
                                    "metricRelabelings", "params", "tlsConfig", "bearerTokenSecret", "basicAuth"),
                            "spec/endpoints/*/relabelings/*", Set.of("sourceLabels", "separator", "targetLabel",
                                    "regex", "modulus", "replacement", "action"))),
            "PodMonitor", new Schema("monitoring.coreos.com/v1",
                    List.of("spec/selector", "spec/podMetricsEndpoints"),
                    Map.of("spec", Set.of("selector", "podMetricsEndpoints", "namespaceSelector", "jobLabel",
                                    "podTargetLabels", "sampleLimit"),
                            "spec/podMetricsEndpoints/*", Set.of("port", "portNumber", "path", "scheme", "interval",
                                    "scrapeTimeout", "honorLabels", "relabelings", "metricRelabelings", "params",
                                    "tlsConfig"))),
            "PrometheusRule", new Schema("monitoring.coreos.com/v1",
                    List.of("spec/groups"),
                    Map.of("spec", Set.of("groups"),
                            "spec/groups/*", Set.of("name", "interval", "rules", "limit", "partial_response_strategy"),
                            "spec/groups/*/rules/*", Set.of("alert", "record", "expr", "for", "keep_firing_for",
                                    "labels", "annotations"))));

    /** Keys of a KEDA kafka trigger's metadata (keda.sh scalers/apache-kafka). */
    static final Set<String> KEDA_KAFKA_METADATA = Set.of("bootstrapServers", "consumerGroup", "topic",
            "lagThreshold", "activationLagThreshold", "offsetResetPolicy", "allowIdleConsumers",
            "scaleToZeroOnInvalidOffset", "excludePersistentLag", "version", "partitionLimitation", "sasl", "tls",
            "unsafeSsl", "limitToPartitionsWithLag", "ensureEvenDistributionOfPartitions");

    private CrdSchemas() {
    }

    /** Violations of the schema of {@code object}'s kind; an unknown kind is itself a violation. */
    static List<String> check(final JsonNode object) {
        final String kind = object.path("kind").asText();
        final Schema schema = SCHEMAS.get(kind);
        final List<String> errors = new ArrayList<>();
        if (schema == null) {
            errors.add("kind " + kind + " has neither a fabric8 model nor a schema here");
            return errors;
        }
        if (!schema.apiVersion().equals(object.path("apiVersion").asText())) {
            errors.add("apiVersion " + object.path("apiVersion").asText() + ", expected " + schema.apiVersion());
        }
        if (object.at("/metadata/name").asText("").isEmpty()) {
            errors.add("metadata.name is missing");
        }
        for (final String required : schema.required()) {
            final JsonNode n = object.at("/" + required);
            if (n.isMissingNode() || n.isNull() || (n.isContainerNode() && n.isEmpty())) {
                errors.add("required field " + required.replace("~1", "/") + " is missing or empty");
            }
        }
        schema.allowed().forEach((path, keys) -> {
            for (final Located node : resolve(object, path.split("/"), 0, "")) {
                node.value().fieldNames().forEachRemaining(f -> {
                    if (!keys.contains(f)) {
                        errors.add(node.path() + ": unknown field '" + f + "' (allowed: " + keys + ")");
                    }
                });
            }
        });
        return errors;
    }

    private record Located(String path, JsonNode value) {
    }

    private static List<Located> resolve(final JsonNode node, final String[] parts, final int i, final String path) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (i == parts.length) {
            return node.isObject() ? List.of(new Located(path, node)) : List.of();
        }
        final List<Located> out = new ArrayList<>();
        if (parts[i].equals("*")) {
            int idx = 0;
            for (final JsonNode child : node) {
                out.addAll(resolve(child, parts, i + 1, path + "[" + idx++ + "]"));
            }
        } else {
            out.addAll(resolve(node.get(parts[i]), parts, i + 1, path + (path.isEmpty() ? "" : ".") + parts[i]));
        }
        return out;
    }

    private static Set<String> union(final Set<String> a, final Set<String> b) {
        final java.util.HashSet<String> u = new java.util.HashSet<>(a);
        u.addAll(b);
        return Set.copyOf(u);
    }
}
