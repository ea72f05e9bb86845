package io.sentimentstreams.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a Kustomize directory (kustomization.yaml) into the list of objects {@code kubectl kustomize}
 * would print, for the subset of features deploy/k8s uses: resources (files and directories),
 * patches (strategic merge for built-in kinds, JSON merge for custom resources; by name or target),
 * namespace, labels, replicas, images, ConfigMaps generated from files without a name hash
 * (configMapGenerator with files, generatorOptions), and replacements (a scalar source by kind and name; targets
 * by kind and optional name, dotted field paths with {@code *} for every list item, options delimiter, index and
 * create); objects annotated {@code config.kubernetes.io/local-config: "true"} feed replacements and are left out
 * of the output. Any other kustomization field is refused, so the renderer can
 * never silently ignore something the real tool would apply. {@code KustomizeTest} compares it with
 * {@code kubectl kustomize} where that is installed.
 */
final class Kustomize {

    /** One rendered object and the file it came from (for error messages). */
    record Rendered(ObjectNode object, String origin) {

        String kind() {
            return object.path("kind").asText();
        }

        String name() {
            return object.path("metadata").path("name").asText();
        }

        String namespace() {
            return object.path("metadata").path("namespace").asText(null);
        }

        String id() {
            return kind() + "/" + name();
        }
    }

    private static final Set<String> SUPPORTED_FIELDS =
            Set.of("apiVersion", "kind", "namespace", "labels", "resources", "patches", "images", "replicas",
                    "configMapGenerator", "generatorOptions", "replacements");
    private static final String LOCAL_CONFIG = "config.kubernetes.io/local-config";
    private static final Set<String> GENERATOR_FIELDS = Set.of("name", "files", "options");
    private static final Set<String> OPTION_FIELDS = Set.of("labels", "annotations", "disableNameSuffixHash");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "PersistentVolume", "StorageClass", "PriorityClass");
    /** Strategic-merge keys of the list fields deploy/k8s patches (from the Kubernetes API's patchMergeKey). */
    private static final Map<String, String> MERGE_KEYS = Map.of(
            "containers", "name", "initContainers", "name", "env", "name", "volumes", "name",
            "volumeMounts", "mountPath", "imagePullSecrets", "name");
    private static final Set<String> WORKLOAD_KINDS = Set.of("Deployment", "StatefulSet", "ReplicaSet", "DaemonSet", "Job");

    private Kustomize() {
    }

    static List<Rendered> build(final Path dir) {
        final List<Rendered> out = new ArrayList<>(buildKeepingLocalConfig(dir));
        out.removeIf(r -> r.object().at("/metadata/annotations").path(LOCAL_CONFIG).asText().equals("true"));
        return out;
    }

    private static List<Rendered> buildKeepingLocalConfig(final Path dir) {
        final Path file = kustomizationFile(dir);
        final JsonNode k = RepoFiles.readYaml(file);
        final Iterator<String> names = k.fieldNames();
        while (names.hasNext()) {
            final String field = names.next();
            if (!SUPPORTED_FIELDS.contains(field)) {
                throw new IllegalArgumentException(file + ": kustomization field '" + field
                        + "' is not supported by this renderer (supported: " + SUPPORTED_FIELDS + ")");
            }
        }
        final List<Rendered> out = new ArrayList<>();
        for (final JsonNode entry : k.path("resources")) {
            final Path p = dir.resolve(entry.asText()).normalize();
            if (Files.isDirectory(p)) {
                out.addAll(buildKeepingLocalConfig(p));
            } else if (Files.isRegularFile(p)) {
                for (final JsonNode doc : RepoFiles.readYamlDocuments(p)) {
                    out.add(new Rendered((ObjectNode) doc, relative(p)));
                }
            } else {
                throw new IllegalArgumentException(file + ": resource '" + entry.asText() + "' does not exist");
            }
        }
        for (final JsonNode generator : k.path("configMapGenerator")) {
            out.add(generateConfigMap(dir, file, generator, k.path("generatorOptions")));
        }
        for (final JsonNode patch : k.path("patches")) {
            applyPatch(dir, file, patch, out);
        }
        if (k.hasNonNull("namespace")) {
            setNamespace(out, k.get("namespace").asText());
        }
        for (final JsonNode label : k.path("labels")) {
            applyLabels(file, label, out);
        }
        for (final JsonNode replicas : k.path("replicas")) {
            applyReplicas(file, replicas, out);
        }
        for (final JsonNode image : k.path("images")) {
            final int changed = applyImage(image, out);
            if (changed == 0) {
                throw new IllegalArgumentException(file + ": image '" + image.path("name").asText()
                        + "' matches no container");
            }
        }
        for (final JsonNode replacement : k.path("replacements")) {
            applyReplacement(file, replacement, out);
        }
        return out;
    }

    private static void applyReplacement(final Path file, final JsonNode spec, final List<Rendered> out) {
        only(file, "replacement", spec, Set.of("source", "targets"));
        final JsonNode source = spec.path("source");
        only(file, "replacement source", source, Set.of("kind", "name", "fieldPath"));
        final List<Rendered> sources = out.stream().filter(r -> r.kind().equals(source.path("kind").asText())
                && r.name().equals(source.path("name").asText())).toList();
        if (sources.size() != 1) {
            throw new IllegalArgumentException(file + ": replacement source " + source + " matches " + sources.size()
                    + " objects, not one");
        }
        final List<JsonNode> values = fields(sources.get(0).object(), source.path("fieldPath").asText(), false);
        if (values.size() != 1 || !values.get(0).isValueNode()) {
            throw new IllegalArgumentException(file + ": replacement source " + source + " is not one scalar");
        }
        final String value = values.get(0).asText();
        for (final JsonNode target : spec.path("targets")) {
            only(file, "replacement target", target, Set.of("select", "fieldPaths", "options"));
            only(file, "replacement select", target.path("select"), Set.of("kind", "name"));
            only(file, "replacement options", target.path("options"), Set.of("delimiter", "index", "create"));
            final JsonNode select = target.path("select");
            final JsonNode options = target.path("options");
            int matched = 0;
            for (final Rendered r : out) {
                if (!r.kind().equals(select.path("kind").asText())
                        || select.has("name") && !r.name().equals(select.get("name").asText())) {
                    continue;
                }
                matched++;
                for (final JsonNode fieldPath : target.path("fieldPaths")) {
                    replace(file, r, fieldPath.asText(), value, options);
                }
            }
            if (matched == 0) {
                throw new IllegalArgumentException(file + ": replacement target " + select + " matches no object");
            }
        }
    }

    private static void only(final Path file, final String what, final JsonNode node, final Set<String> fields) {
        node.fieldNames().forEachRemaining(f -> {
            if (!fields.contains(f)) {
                throw new IllegalArgumentException(file + ": " + what + " field '" + f + "' is not supported by this"
                        + " renderer (supported: " + fields + ")");
            }
        });
    }

    /** Sets one field path of {@code r}; with a delimiter, as kustomize: split, put at index (out of range: prepend/append), join. */
    private static void replace(final Path file, final Rendered r, final String fieldPath, final String value,
                                final JsonNode options) {
        final int dot = fieldPath.lastIndexOf('.');
        final String parentPath = dot < 0 ? "" : fieldPath.substring(0, dot);
        final String leaf = fieldPath.substring(dot + 1);
        final boolean create = options.path("create").asBoolean(false);
        final List<JsonNode> parents = parentPath.isEmpty() ? List.of(r.object()) : fields(r.object(), parentPath, create);
        if (parents.isEmpty()) {
            throw new IllegalArgumentException(file + ": unable to find field \"" + fieldPath
                    + "\" in replacement target " + r.id());
        }
        // Through a list wildcard, kustomize skips the items without the field (a cpu trigger has no topic).
        final boolean wildcard = fieldPath.contains("*");
        int replaced = 0;
        for (final JsonNode parent : parents) {
            if (wildcard && !create && !parent.has(leaf)) {
                continue;
            }
            if (!(parent instanceof ObjectNode o) || !o.has(leaf) && !create) {
                throw new IllegalArgumentException(file + ": unable to find field \"" + fieldPath
                        + "\" in replacement target " + r.id());
            }
            replaced++;
            String next = value;
            if (options.hasNonNull("delimiter")) {
                final String delimiter = options.get("delimiter").asText();
                final List<String> parts = new ArrayList<>(List.of(o.path(leaf).asText("").split(
                        java.util.regex.Pattern.quote(delimiter), -1)));
                final int index = options.path("index").asInt(0);
                if (index < 0) {
                    parts.add(0, value);
                } else if (index >= parts.size()) {
                    parts.add(value);
                } else {
                    parts.set(index, value);
                }
                next = String.join(delimiter, parts);
            }
            o.put(leaf, next);
        }
        if (replaced == 0) {
            throw new IllegalArgumentException(file + ": unable to find field \"" + fieldPath
                    + "\" in replacement target " + r.id());
        }
    }

    /** The nodes at a dotted path; {@code *} steps into every item of a list; {@code create} adds missing maps. */
    private static List<JsonNode> fields(final JsonNode root, final String path, final boolean create) {
        List<JsonNode> current = List.of(root);
        for (final String step : path.split("\\.")) {
            final List<JsonNode> next = new ArrayList<>();
            for (final JsonNode n : current) {
                if (step.equals("*")) {
                    n.elements().forEachRemaining(next::add);
                } else if (n.has(step)) {
                    next.add(n.get(step));
                } else if (create && n instanceof ObjectNode o) {
                    next.add(o.putObject(step));
                }
            }
            current = next;
        }
        return current;
    }

    /**
     * A ConfigMap of files (key {@code name} or the file name), with the generator's and the kustomization's
     * options merged. Only without the name hash: kustomize's hash is not reproduced here.
     */
    private static Rendered generateConfigMap(final Path dir, final Path file, final JsonNode generator,
                                              final JsonNode globalOptions) {
        generator.fieldNames().forEachRemaining(f -> {
            if (!GENERATOR_FIELDS.contains(f)) {
                throw new IllegalArgumentException(file + ": configMapGenerator field '" + f + "' is not supported by"
                        + " this renderer (supported: " + GENERATOR_FIELDS + ")");
            }
        });
        final ObjectNode options = JsonNodeFactory.instance.objectNode();
        for (final JsonNode o : List.of(globalOptions, generator.path("options"))) {
            o.fieldNames().forEachRemaining(f -> {
                if (!OPTION_FIELDS.contains(f)) {
                    throw new IllegalArgumentException(file + ": generator option '" + f + "' is not supported by this"
                            + " renderer (supported: " + OPTION_FIELDS + ")");
                }
            });
            if (o.has("disableNameSuffixHash")) {
                options.put("disableNameSuffixHash", o.get("disableNameSuffixHash").asBoolean());
            }
            for (final String map : List.of("labels", "annotations")) {
                o.path(map).fields().forEachRemaining(e -> options.with(map).put(e.getKey(), e.getValue().asText()));
            }
        }
        if (!options.path("disableNameSuffixHash").asBoolean(false)) {
            throw new IllegalArgumentException(file + ": configMapGenerator '" + generator.path("name").asText()
                    + "' needs disableNameSuffixHash: true (this renderer does not compute kustomize's name hash)");
        }
        final ObjectNode cm = JsonNodeFactory.instance.objectNode();
        cm.put("apiVersion", "v1");
        cm.put("kind", "ConfigMap");
        final ObjectNode meta = cm.putObject("metadata");
        meta.put("name", generator.path("name").asText());
        for (final String map : List.of("labels", "annotations")) {
            if (options.has(map)) {
                meta.set(map, options.get(map).deepCopy());
            }
        }
        final ObjectNode data = cm.putObject("data");
        for (final JsonNode entry : generator.path("files")) {
            final String spec = entry.asText();
            final int eq = spec.indexOf('=');
            final String rel = eq < 0 ? spec : spec.substring(eq + 1);
            final Path source = dir.resolve(rel).normalize();
            if (!source.startsWith(dir.normalize())) {
                throw new IllegalArgumentException(file + ": generator file '" + rel + "' is outside the kustomization"
                        + " root, which kustomize refuses by default");
            }
            try {
                data.put(eq < 0 ? source.getFileName().toString() : spec.substring(0, eq), Files.readString(source));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(file + ": generator file '" + rel + "' cannot be read: " + e, e);
            }
        }
        return new Rendered(cm, relative(file));
    }

    private static Path kustomizationFile(final Path dir) {
        for (final String name : List.of("kustomization.yaml", "kustomization.yml", "Kustomization")) {
            if (Files.isRegularFile(dir.resolve(name))) {
                return dir.resolve(name);
            }
        }
        throw new IllegalArgumentException(dir + ": no kustomization.yaml");
    }

    private static String relative(final Path p) {
        try {
            return RepoFiles.root().relativize(p.toAbsolutePath()).toString();
        } catch (RuntimeException e) {
            return p.toString();
        }
    }

    private static void applyPatch(final Path dir, final Path file, final JsonNode entry, final List<Rendered> out) {
        final List<JsonNode> docs;
        final String origin;
        if (entry.hasNonNull("path")) {
            final Path p = dir.resolve(entry.get("path").asText());
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException(file + ": patch file '" + entry.get("path").asText() + "' does not exist");
            }
            docs = RepoFiles.readYamlDocuments(p);
            origin = relative(p);
        } else if (entry.hasNonNull("patch")) {
            docs = RepoFiles.parseYamlDocuments(entry.get("patch").asText(), file + " (inline patch)");
            origin = file + " (inline patch)";
        } else {
            throw new IllegalArgumentException(file + ": a patch needs 'path' or 'patch'");
        }
        for (final JsonNode doc : docs) {
            if (doc.path("$patch").isTextual() || doc.isArray()) {
                throw new IllegalArgumentException(origin + ": $patch directives and JSON6902 patches are not supported");
            }
            final JsonNode target = entry.get("target");
            int matched = 0;
            for (final Rendered r : out) {
                final boolean match = target != null ? matchesTarget(r, target)
                        : r.kind().equals(doc.path("kind").asText())
                        && r.name().equals(doc.path("metadata").path("name").asText())
                        && group(r.object()).equals(group(doc));
                if (match) {
                    final ObjectNode body = ((ObjectNode) doc).deepCopy();
                    if (target != null) {
                        // With a target, kustomize keeps each matched object's own identity.
                        body.remove("metadata");
                        body.remove("apiVersion");
                        body.remove("kind");
                    }
                    merge(r.object(), body, isBuiltIn(r.object()));
                    matched++;
                }
            }
            if (matched == 0) {
                throw new IllegalArgumentException(origin + ": patch matches no resource ("
                        + (target != null ? "target " + target : doc.path("kind").asText() + "/"
                        + doc.path("metadata").path("name").asText()) + ")");
            }
        }
    }

    private static boolean matchesTarget(final Rendered r, final JsonNode target) {
        for (final String unsupported : List.of("labelSelector", "annotationSelector")) {
            if (target.has(unsupported)) {
                throw new IllegalArgumentException("patch target field '" + unsupported + "' is not supported");
            }
        }
        return (!target.has("kind") || target.get("kind").asText().equals(r.kind()))
                && (!target.has("name") || r.name().matches(target.get("name").asText()))
                && (!target.has("group") || target.get("group").asText().equals(group(r.object())))
                && (!target.has("namespace") || target.get("namespace").asText().equals(r.namespace()));
    }

    private static String group(final JsonNode object) {
        final String apiVersion = object.path("apiVersion").asText();
        final int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    /** Built-in API groups get strategic merge; custom resources get JSON merge (lists replaced), as in kustomize. */
    private static boolean isBuiltIn(final JsonNode object) {
        final String g = group(object);
        return g.isEmpty() || !g.contains(".") || g.endsWith(".k8s.io");
    }

    /** Merges {@code patch} into {@code target} in place; null deletes a key. */
    static void merge(final ObjectNode target, final ObjectNode patch, final boolean strategic) {
        final Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
        while (fields.hasNext()) {
            final Map.Entry<String, JsonNode> f = fields.next();
            final String key = f.getKey();
            final JsonNode value = f.getValue();
            final JsonNode existing = target.get(key);
            if (value.isNull()) {
                target.remove(key);
            } else if (existing instanceof ObjectNode eo && value instanceof ObjectNode vo) {
                merge(eo, vo, strategic);
            } else if (strategic && existing instanceof ArrayNode ea && value instanceof ArrayNode va
                    && MERGE_KEYS.containsKey(key)) {
                mergeList(ea, va, MERGE_KEYS.get(key), strategic);
            } else {
                target.set(key, value.deepCopy());
            }
        }
    }

    private static void mergeList(final ArrayNode target, final ArrayNode patch, final String mergeKey,
                                  final boolean strategic) {
        for (final JsonNode item : patch) {
            ObjectNode found = null;
            for (final JsonNode t : target) {
                if (t.path(mergeKey).equals(item.path(mergeKey))) {
                    found = (ObjectNode) t;
                }
            }
            if (found != null && item instanceof ObjectNode io) {
                merge(found, io, strategic);
            } else {
                target.add(item.deepCopy());
            }
        }
    }

    private static void setNamespace(final List<Rendered> out, final String namespace) {
        for (final Rendered r : out) {
            final ObjectNode meta = r.object().with("metadata");
            if (r.kind().equals("Namespace")) {
                meta.put("name", namespace);
            } else if (!CLUSTER_SCOPED.contains(r.kind())) {
                meta.put("namespace", namespace);
            }
        }
    }

    private static void applyLabels(final Path file, final JsonNode spec, final List<Rendered> out) {
        if (spec.path("includeSelectors").asBoolean(false)) {
            throw new IllegalArgumentException(file + ": labels.includeSelectors is not supported");
        }
        final boolean templates = spec.path("includeTemplates").asBoolean(false);
        for (final Rendered r : out) {
            putAll(r.object().with("metadata").with("labels"), spec.path("pairs"));
            if (templates && WORKLOAD_KINDS.contains(r.kind())) {
                putAll(r.object().with("spec").with("template").with("metadata").with("labels"), spec.path("pairs"));
            }
            if (templates && r.kind().equals("CronJob")) {
                putAll(r.object().with("spec").with("jobTemplate").with("spec").with("template")
                        .with("metadata").with("labels"), spec.path("pairs"));
            }
        }
    }

    private static void putAll(final ObjectNode labels, final JsonNode pairs) {
        pairs.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    }

    private static void applyReplicas(final Path file, final JsonNode spec, final List<Rendered> out) {
        int matched = 0;
        for (final Rendered r : out) {
            if (Set.of("Deployment", "StatefulSet", "ReplicaSet").contains(r.kind())
                    && r.name().equals(spec.path("name").asText())) {
                r.object().with("spec").put("replicas", spec.path("count").asInt());
                matched++;
            }
        }
        if (matched == 0) {
            throw new IllegalArgumentException(file + ": replicas entry '" + spec.path("name").asText()
                    + "' matches no workload");
        }
    }

    private static int applyImage(final JsonNode spec, final JsonNode node) {
        int changed = 0;
        if (node instanceof ObjectNode o) {
            for (final String listName : List.of("containers", "initContainers")) {
                if (o.get(listName) instanceof ArrayNode list) {
                    for (final JsonNode c : list) {
                        changed += retag(spec, (ObjectNode) c);
                    }
                }
            }
            final Iterator<JsonNode> children = o.elements();
            while (children.hasNext()) {
                changed += applyImage(spec, children.next());
            }
        } else if (node instanceof ArrayNode a) {
            for (final JsonNode child : a) {
                changed += applyImage(spec, child);
            }
        }
        return changed;
    }

    private static int applyImage(final JsonNode spec, final List<Rendered> out) {
        int changed = 0;
        for (final Rendered r : out) {
            changed += applyImage(spec, r.object());
        }
        return changed;
    }

    private static int retag(final JsonNode spec, final ObjectNode container) {
        final String image = container.path("image").asText("");
        final int at = image.indexOf('@');
        final int colon = image.lastIndexOf(':');
        final int slash = image.lastIndexOf('/');
        final String name = at >= 0 ? image.substring(0, at) : colon > slash ? image.substring(0, colon) : image;
        if (!name.equals(spec.path("name").asText())) {
            return 0;
        }
        String tagPart = at >= 0 ? image.substring(at) : colon > slash ? image.substring(colon) : "";
        final String newName = spec.hasNonNull("newName") ? spec.get("newName").asText() : name;
        if (spec.hasNonNull("digest")) {
            tagPart = "@" + spec.get("digest").asText();
        } else if (spec.hasNonNull("newTag")) {
            tagPart = ":" + spec.get("newTag").asText();
        }
        container.set("image", JsonNodeFactory.instance.textNode(newName + tagPart));
        return 1;
    }
}
