package io.sentimentstreams.cli.secure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Strimzi {@code KafkaUser} manifests of a Kustomize base ({@code 03x-KafkaUser-*.yaml}) as Kafka ACL
 * bindings: each {@code spec.authorization.acls} entry (resource type, name, patternType, operations, host,
 * type) for the principal {@code User:CN=<metadata.name>}, the name Strimzi gives a {@code tls} user. With a topic
 * prefix every resource name but the cluster's gets it in front, as {@code deploy/k8s/overlays/prefixed} does on
 * the cluster. So the local secured broker grants exactly what the cluster would.
 */
public record KafkaUserAcls(String user, String authentication, List<AclBinding> bindings) {

    /** The principal of a client certificate with subject {@code CN=user}, as Kafka and Strimzi name it. */
    public static String principal(final String user) {
        return "User:CN=" + user;
    }

    /** Every KafkaUser manifest under {@code base}, in file order, unprefixed. */
    public static List<KafkaUserAcls> read(final Path base) throws IOException {
        return read(base, "");
    }

    /**
     * Every KafkaUser manifest under {@code base}, in file order, with {@code topicPrefix} (SENTIMENT_TOPIC_PREFIX)
     * in front of every topic, group and transactional id name; a manifest that does not parse is an error.
     */
    public static List<KafkaUserAcls> read(final Path base, final String topicPrefix) throws IOException {
        final List<Path> files;
        try (Stream<Path> s = Files.list(base)) {
            files = s.filter(p -> p.getFileName().toString().matches("03\\d-KafkaUser-.*\\.yaml")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException("no KafkaUser manifests (03x-KafkaUser-*.yaml) in " + base);
        }
        final YAMLMapper yaml = new YAMLMapper();
        final List<KafkaUserAcls> users = new ArrayList<>();
        for (final Path file : files) {
            users.add(parse(yaml.readTree(file.toFile()), file.getFileName().toString(), topicPrefix));
        }
        return users;
    }

    static KafkaUserAcls parse(final JsonNode doc, final String file) throws IOException {
        return parse(doc, file, "");
    }

    static KafkaUserAcls parse(final JsonNode doc, final String file, final String topicPrefix) throws IOException {
        if (!"KafkaUser".equals(doc.path("kind").asText())) {
            throw new IOException(file + ": kind is '" + doc.path("kind").asText() + "', expected KafkaUser");
        }
        final String user = text(doc.path("metadata").path("name"), file, "metadata.name");
        final String authentication = text(doc.path("spec").path("authentication").path("type"), file,
                "spec.authentication.type");
        final JsonNode authorization = doc.path("spec").path("authorization");
        if (!"simple".equals(authorization.path("type").asText())) {
            throw new IOException(file + ": spec.authorization.type must be simple (Kafka ACLs), is '"
                    + authorization.path("type").asText() + "'");
        }
        final List<AclBinding> bindings = new ArrayList<>();
        int i = 0;
        for (final JsonNode acl : authorization.path("acls")) {
            final String where = file + ": spec.authorization.acls[" + i++ + "]";
            final JsonNode resource = acl.path("resource");
            final ResourceType type = enumOf(ResourceType.class, text(resource.path("type"), where, "resource.type"),
                    where);
            final String name = type == ResourceType.CLUSTER ? "kafka-cluster"
                    : topicPrefix + text(resource.path("name"), where, "resource.name");
            final PatternType pattern = switch (resource.path("patternType").asText("literal")) {
                case "literal" -> PatternType.LITERAL;
                case "prefix" -> PatternType.PREFIXED;
                default -> throw new IOException(where + ": patternType '" + resource.path("patternType").asText()
                        + "' is neither literal nor prefix");
            };
            final AclPermissionType permission = enumOf(AclPermissionType.class, acl.path("type").asText("allow"),
                    where);
            final String host = acl.path("host").asText("*");
            final List<String> operations = new ArrayList<>();
            acl.path("operations").forEach(op -> operations.add(op.asText()));
            if (acl.hasNonNull("operation")) {
                operations.add(acl.get("operation").asText());
            }
            if (operations.isEmpty()) {
                throw new IOException(where + ": no operations");
            }
            for (final String op : operations) {
                bindings.add(new AclBinding(new ResourcePattern(type, name, pattern), new AccessControlEntry(
                        principal(user), host, enumOf(AclOperation.class, op, where), permission)));
            }
        }
        return new KafkaUserAcls(user, authentication, List.copyOf(bindings));
    }

    private static String text(final JsonNode node, final String where, final String field) throws IOException {
        if (!node.isTextual() || node.asText().isBlank()) {
            throw new IOException(where + ": " + field + " is missing");
        }
        return node.asText();
    }

    /** Strimzi spells {@code transactionalId} and {@code DescribeConfigs}; Kafka's enums are upper snake case. */
    private static <E extends Enum<E>> E enumOf(final Class<E> type, final String value, final String where)
            throws IOException {
        final String wanted = value.replace("_", "").toLowerCase(Locale.ROOT);
        for (final E e : type.getEnumConstants()) {
            if (e.name().replace("_", "").toLowerCase(Locale.ROOT).equals(wanted) && !e.name().equals("ANY")
                    && !e.name().equals("UNKNOWN")) {
                return e;
            }
        }
        throw new IOException(where + ": unknown " + type.getSimpleName() + " '" + value + "'");
    }
}
