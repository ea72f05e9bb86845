package io.sentimentstreams.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.contracts.ModelRef;
import io.sentimentstreams.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The rollout's wire format on {@code sentiment.models}. A bundle record may carry the headers
 * {@value #ROLE_HEADER} and {@value #PERCENT_HEADER} (no role header: {@code live}, the meaning of every bundle
 * published before roles existed) and {@value #LANG_HEADER}. A rollout record has the key
 * {@code rollout:LANG} and as value the whole {@link Rollout} of that language as JSON, so compaction, which
 * keeps only the latest record of a key, keeps exactly the state a promote or rollback wrote.
 */
public final class RolloutRecords {

    public static final String ROLE_HEADER = "sentiment.rollout.role";
    public static final String PERCENT_HEADER = "sentiment.rollout.percent";
    /** The bundle's language, so tools can follow rollouts without unpacking bundles. */
    public static final String LANG_HEADER = "sentiment.bundle.lang";
    public static final String KEY_PREFIX = "rollout:";

    private RolloutRecords() {
    }

    public static boolean isRolloutKey(final String key) {
        return key != null && key.startsWith(KEY_PREFIX);
    }

    public static String key(final String lang) {
        return KEY_PREFIX + lang;
    }

    /** The record's value: the rollout, and the action that wrote it (for people reading the topic). */
    public static byte[] encode(final Rollout r, final String action) {
        final ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("lang", r.lang());
        n.put("live", r.live() == null ? null : r.live().toString());
        n.put("candidate", r.candidate() == null ? null : r.candidate().toString());
        n.put("role", r.role() == null ? null : r.role().wireName());
        n.put("percent", r.percent());
        n.put("previous", r.previous() == null ? null : r.previous().toString());
        n.put("action", action);
        return Json.write(n).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The rollout in a record with key {@code key}; the key's language must be the value's.
     *
     * @throws IllegalArgumentException saying what is wrong with the record
     */
    public static Rollout decode(final String key, final byte[] value) {
        if (!isRolloutKey(key)) {
            throw new IllegalArgumentException("record key '" + key + "' is no rollout key (" + KEY_PREFIX + "LANG)");
        }
        final String lang = key.substring(KEY_PREFIX.length());
        if (!Lang.NAMES.contains(lang)) {
            throw new IllegalArgumentException("rollout record for unsupported language '" + lang + "' (supported: "
                    + Lang.NAMES + ")");
        }
        if (value == null) {
            throw new IllegalArgumentException("rollout record " + key + " has no value");
        }
        final JsonNode n;
        try {
            n = Json.MAPPER.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("rollout record " + key + " is not JSON: " + e.getMessage());
        }
        if (n == null || !n.isObject() || !lang.equals(n.path("lang").asText())) {
            throw new IllegalArgumentException("rollout record " + key + " must be an object with \"lang\": \""
                    + lang + "\"");
        }
        return new Rollout(lang, ref(n, "live"), ref(n, "candidate"),
                n.path("candidate").isTextual() ? RolloutRole.of(n.path("role").asText(null)) : null,
                n.path("percent").asInt(0), ref(n, "previous"));
    }

    /** The role named by a bundle record's header value (null: live). */
    public static RolloutRole role(final String header) {
        return RolloutRole.of(header);
    }

    /** The canary percent in a bundle record's header value, in [0, 100]. */
    public static int percent(final RolloutRole role, final String header) {
        if (role != RolloutRole.CANARY) {
            return 0;
        }
        final int p;
        try {
            p = Integer.parseInt(header == null ? "" : header.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a canary bundle needs the header " + PERCENT_HEADER
                    + " with a whole percent in [0, 100], got '" + header + "'");
        }
        if (p < 0 || p > 100) {
            throw new IllegalArgumentException("canary percent must be in [0, 100], got " + p);
        }
        return p;
    }

    private static ModelRef ref(final JsonNode n, final String field) {
        final JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : ModelRef.parse(v.asText());
    }
}
