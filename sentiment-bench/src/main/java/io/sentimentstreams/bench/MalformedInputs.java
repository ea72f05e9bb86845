package io.sentimentstreams.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic generator of malformed review payloads, one category after another: invalid and
 * truncated JSON, wrong types, nulls, huge strings, deep nesting, invalid UTF-8, control characters,
 * binary, empty bodies, oversize batches, NaN/Infinity, duplicate keys, unknown languages, bad ids.
 * Every payload must be refused (HTTP 4xx) or dead-lettered; none is a valid review.
 */
public final class MalformedInputs {

    /** One payload and the category it exercises (for per-category reporting). */
    public record Payload(String category, byte[] bytes) {
    }

    public static final List<String> CATEGORIES = List.of("invalid-json", "truncated-json", "wrong-type",
            "null-text", "blank-text", "huge-text", "deep-nesting", "invalid-utf8", "control-chars-id", "binary",
            "empty", "nan-infinity", "duplicate-keys", "unknown-lang", "not-an-object", "oversize-batch",
            "bad-attributes");

    private MalformedInputs() {
    }

    /** {@code count} payloads; {@code maxTextChars} is the service's text limit, so huge texts exceed it. */
    public static List<Payload> generate(final int count, final long seed, final int maxTextChars,
                                         final int maxBatch) {
        final Random random = new Random(seed);
        final List<Payload> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final String category = CATEGORIES.get(i % CATEGORIES.size());
            out.add(new Payload(category, make(category, i, random, maxTextChars, maxBatch)));
        }
        return out;
    }

    private static byte[] make(final String category, final int i, final Random random, final int maxTextChars,
                               final int maxBatch) {
        final String id = "fuzz-" + i;
        return switch (category) {
            case "invalid-json" -> utf8("{\"id\": \"" + id + "\", text: unquoted " + random.nextInt() + "}");
            case "truncated-json" -> {
                final String full = "{\"id\": \"" + id + "\", \"text\": \"a review that never ends " + i + "\"}";
                yield utf8(full.substring(0, 1 + random.nextInt(full.length() - 2)));
            }
            case "wrong-type" -> utf8(switch (i % 3) {
                case 0 -> "{\"id\": \"" + id + "\", \"text\": " + random.nextInt() + "}";
                case 1 -> "{\"id\": \"" + id + "\", \"text\": [\"a\", \"b\"]}";
                default -> "{\"id\": " + random.nextInt() + ", \"text\": {\"nested\": true}}";
            });
            case "null-text" -> utf8("{\"id\": \"" + id + "\", \"text\": null}");
            case "blank-text" -> utf8("{\"id\": \"" + id + "\", \"text\": \" \\t\\n \"}");
            case "huge-text" -> utf8("{\"id\": \"" + id + "\", \"text\": \"" + "a".repeat(maxTextChars + 1 + i % 100)
                    + "\"}");
            case "deep-nesting" -> utf8("{\"id\": \"" + id + "\", \"text\": " + "[".repeat(5000) + "]".repeat(5000)
                    + "}");
            case "invalid-utf8" -> {
                final byte[] prefix = utf8("{\"id\": \"" + id + "\", \"text\": \"caf");
                final byte[] bytes = new byte[prefix.length + 4];
                System.arraycopy(prefix, 0, bytes, 0, prefix.length);
                bytes[prefix.length] = (byte) 0xC3;
                bytes[prefix.length + 1] = (byte) 0x28;
                bytes[prefix.length + 2] = '"';
                bytes[prefix.length + 3] = '}';
                yield bytes;
            }
            case "control-chars-id" -> utf8("{\"id\": \"bad\\u0001id-" + i + "\", \"text\": \"fine text\"}");
            case "binary" -> {
                final byte[] bytes = new byte[16 + random.nextInt(256)];
                random.nextBytes(bytes);
                bytes[0] = (byte) 0xFF; // never valid JSON or UTF-8
                yield bytes;
            }
            case "empty" -> new byte[0];
            case "nan-infinity" -> utf8("{\"id\": \"" + id + "\", \"text\": \"ok\", \"score\": " + (i % 2 == 0 ? "NaN"
                    : "-Infinity") + "}");
            case "duplicate-keys" -> utf8("{\"id\": \"" + id + "\", \"text\": \"first\", \"text\": \"second\"}");
            case "unknown-lang" -> utf8("{\"id\": \"" + id + "\", \"text\": \"bonjour\", \"lang\": \"fr\"}");
            case "not-an-object" -> utf8(i % 2 == 0 ? "\"a bare string\"" : "12345");
            case "oversize-batch" -> {
                final StringBuilder sb = new StringBuilder("[");
                for (int k = 0; k <= maxBatch; k++) {
                    sb.append(k == 0 ? "" : ",").append("{\"id\": \"").append(id).append('-').append(k)
                            .append("\", \"text\": \"ok\"}");
                }
                yield utf8(sb.append(']').toString());
            }
            case "bad-attributes" -> utf8("{\"id\": \"" + id + "\", \"text\": \"ok\", \"attributes\": {\"k\": [1]}}");
            default -> throw new IllegalStateException(category);
        };
    }

    private static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
