package io.sentimentstreams.ingest.validation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.contracts.Reason;
import io.sentimentstreams.json.UnknownNameException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Validates producer review envelopes (one JSON object: {@code text}, optional {@code id}, {@code lang},
 * {@code source}, {@code attributes}) straight from a streaming JSON parser and returns either a
 * {@link ReviewInput} or every {@link Violation} found; shared by the HTTP endpoint and the
 * {@code reviews.inbound} topology so both channels accept exactly the same reviews.
 *
 * <p>Strict JSON: duplicate keys, NaN/Infinity, trailing content, nesting deeper than
 * {@link IngestLimits#MAX_NESTING_DEPTH} and unknown fields are refused. A JSON {@code null} for an
 * optional field means "absent"; for {@code text} it is {@link Reason#BLANK_TEXT}.
 */
public final class ReviewValidator {

    public static final String FIELD_ID = "id";
    public static final String FIELD_TEXT = "text";
    public static final String FIELD_LANG = "lang";
    public static final String FIELD_SOURCE = "source";
    public static final String FIELD_ATTRIBUTES = "attributes";
    /** The UNKNOWN_LANG detail: the allowed wire names quoted, then that absent means auto-detect. */
    static final String LANG_RULE = "lang must be " + Lang.NAMES.stream().map(n -> '"' + n + '"')
            .collect(Collectors.joining(", ")) + " or absent (auto-detect)";

    /** Longest field name quoted back in a detail message. */
    private static final int MAX_QUOTED_NAME = 64;
    private static final int MAX_FIELD_NAME_CHARS = 1024;

    private final IngestLimits limits;
    private final JsonFactory factory;

    public ReviewValidator(final IngestLimits limits) {
        this.limits = limits;
        final int maxString = (int) Math.min(Integer.MAX_VALUE, Math.max(limits.maxBodyBytes(), limits.maxTextChars()));
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(IngestLimits.MAX_NESTING_DEPTH)
                        .maxStringLength(maxString)
                        .maxNameLength(MAX_FIELD_NAME_CHARS)
                        .maxNumberLength(100)
                        .build())
                .build();
    }

    public IngestLimits limits() {
        return limits;
    }

    /** A parser with this validator's strictness limits, for callers that stream a body. */
    public JsonParser parser(final InputStream in) throws IOException {
        return factory.createParser(in);
    }

    /**
     * Validates a whole document that must be exactly one review object (a {@code reviews.inbound}
     * record value or one NDJSON line); {@code index} is reported in violations (null for none).
     */
    public ItemResult validateDocument(final byte[] bytes, final Integer index) {
        if (bytes == null || bytes.length == 0) {
            return ItemResult.invalid(List.of(new Violation(index, null, Reason.INVALID_JSON, "empty document")));
        }
        try (JsonParser parser = factory.createParser(bytes)) {
            final JsonToken first = parser.nextToken();
            if (first == null) {
                return ItemResult.invalid(List.of(new Violation(index, null, Reason.INVALID_JSON,
                        "document contains only whitespace")));
            }
            final ItemResult item = readItem(parser, index);
            if (parser.nextToken() != null) {
                return ItemResult.invalid(List.of(new Violation(index, null, Reason.INVALID_JSON,
                        "trailing content after the review object at " + location(parser))));
            }
            return item;
        } catch (JsonProcessingException e) {
            return ItemResult.invalid(List.of(syntaxViolation(index, e)));
        } catch (IOException e) {
            // a byte array cannot fail to read; anything else is a bug worth surfacing
            throw new UncheckedIOException(e);
        }
    }

    /** The violation for a JSON syntax or strictness error, with its position but never the payload. */
    public static Violation syntaxViolation(final Integer index, final JsonProcessingException e) {
        final String what = e instanceof StreamConstraintsException
                ? "JSON exceeds a parser limit (nesting depth " + IngestLimits.MAX_NESTING_DEPTH
                        + ", name length " + MAX_FIELD_NAME_CHARS + ", number length 100)"
                : "malformed JSON";
        final String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return new Violation(index, null, Reason.INVALID_JSON, what + where + ": " + firstLine(e.getOriginalMessage()));
    }

    /**
     * Reads one item whose first token is the parser's current token and leaves the parser on that
     * item's last token; a JSON syntax error propagates as {@link JsonProcessingException}.
     */
    public ItemResult readItem(final JsonParser parser, final Integer index) throws IOException {
        final JsonToken start = parser.currentToken();
        if (start != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return ItemResult.invalid(List.of(new Violation(index, null, Reason.INVALID_TYPE,
                    "a review must be a JSON object, got " + describe(start))));
        }
        final List<Violation> violations = new ArrayList<>(2);
        final Set<String> seen = new HashSet<>(8);
        String id = null;
        String text = null;
        String lang = null;
        String source = null;
        Map<String, String> attributes = null;
        for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
            final String name = parser.currentName();
            final JsonToken value = parser.nextToken();
            if (!seen.add(name)) {
                violations.add(new Violation(index, safe(name), Reason.INVALID_JSON, "duplicate key " + quote(name)));
                parser.skipChildren();
                continue;
            }
            switch (name) {
                case FIELD_TEXT -> text = readString(parser, value, index, FIELD_TEXT, Reason.INVALID_TYPE, violations);
                case FIELD_ID -> id = readString(parser, value, index, FIELD_ID, Reason.INVALID_TYPE, violations);
                case FIELD_LANG -> lang = readString(parser, value, index, FIELD_LANG, Reason.INVALID_TYPE, violations);
                case FIELD_SOURCE -> source = readString(parser, value, index, FIELD_SOURCE, Reason.INVALID_TYPE, violations);
                case FIELD_ATTRIBUTES -> attributes = readAttributes(parser, value, index, violations);
                default -> {
                    violations.add(new Violation(index, safe(name), Reason.UNKNOWN_FIELD, "unknown field " + quote(name)
                            + "; a review has only text, id, lang, source and attributes"));
                    parser.skipChildren();
                }
            }
        }
        checkText(text, seen.contains(FIELD_TEXT) && !hasViolation(violations, FIELD_TEXT), index, violations);
        checkPrintable(id, FIELD_ID, IngestLimits.MAX_ID_CHARS, false, Reason.INVALID_ID, index, violations);
        final Lang declared = checkLang(lang, index, violations);
        checkPrintable(source, FIELD_SOURCE, IngestLimits.MAX_SOURCE_CHARS, true, Reason.INVALID_SOURCE, index,
                violations);
        if (!violations.isEmpty()) {
            return ItemResult.invalid(violations, hasViolation(violations, FIELD_ID) ? null : id);
        }
        return ItemResult.valid(new ReviewInput(id, text, declared, source, attributes));
    }

    private void checkText(final String text, final boolean present, final Integer index, final List<Violation> out) {
        if (text == null) {
            if (!hasViolation(out, FIELD_TEXT)) {
                out.add(new Violation(index, FIELD_TEXT, Reason.BLANK_TEXT,
                        present ? "text is null" : "text is required"));
            }
            return;
        }
        if (text.length() > limits.maxTextChars() && text.codePointCount(0, text.length()) > limits.maxTextChars()) {
            out.add(new Violation(index, FIELD_TEXT, Reason.TEXT_TOO_LONG, "text has "
                    + text.codePointCount(0, text.length()) + " characters; the limit is " + limits.maxTextChars()));
            return;
        }
        if (text.isBlank()) {
            out.add(new Violation(index, FIELD_TEXT, Reason.BLANK_TEXT, "text is empty or only whitespace"));
            return;
        }
        final String problem = textProblem(text);
        if (problem != null) {
            out.add(new Violation(index, FIELD_TEXT, Reason.INVALID_TEXT, "text " + problem));
        }
    }

    /** The declared language, or null when absent or not a {@link Lang} wire name (then a violation). */
    private static Lang checkLang(final String lang, final Integer index, final List<Violation> out) {
        if (lang == null) {
            return null;
        }
        try {
            return Lang.of(lang);
        } catch (UnknownNameException e) {
            out.add(new Violation(index, FIELD_LANG, Reason.UNKNOWN_LANG, LANG_RULE));
            return null;
        }
    }

    /**
     * A present {@code field} (id, source) that no earlier check refused must be printable and at most
     * {@code maxChars} long; otherwise one {@code reason} violation naming the field and the problem.
     */
    private static void checkPrintable(final String value, final String field, final int maxChars,
                                       final boolean allowSpaces, final Reason reason, final Integer index,
                                       final List<Violation> out) {
        if (value == null || hasViolation(out, field)) {
            return;
        }
        final String problem = printableProblem(value, maxChars, allowSpaces);
        if (problem != null) {
            out.add(new Violation(index, field, reason, field + " " + problem));
        }
    }

    private static String readString(final JsonParser parser, final JsonToken value, final Integer index,
                                     final String field, final Reason wrongType, final List<Violation> out)
            throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        parser.skipChildren();
        out.add(new Violation(index, field, wrongType, field + " must be a string, got " + describe(value)));
        return null;
    }

    private static Map<String, String> readAttributes(final JsonParser parser, final JsonToken value,
                                                      final Integer index, final List<Violation> out)
            throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.START_OBJECT) {
            parser.skipChildren();
            out.add(new Violation(index, FIELD_ATTRIBUTES, Reason.INVALID_ATTRIBUTES,
                    "attributes must be an object of strings, got " + describe(value)));
            return null;
        }
        final Map<String, String> attributes = new LinkedHashMap<>();
        String problem = null;
        for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
            final String key = parser.currentName();
            final JsonToken entry = parser.nextToken();
            if (problem != null) {
                parser.skipChildren();
                continue;
            }
            if (entry != JsonToken.VALUE_STRING) {
                parser.skipChildren();
                problem = "value of " + quote(key) + " must be a string, got " + describe(entry);
            } else if (attributes.containsKey(key)) {
                problem = "duplicate key " + quote(key);
            } else if (attributes.size() == IngestLimits.MAX_ATTRIBUTES) {
                problem = "more than " + IngestLimits.MAX_ATTRIBUTES + " entries";
            } else {
                final String keyProblem = printableProblem(key, IngestLimits.MAX_ATTRIBUTE_KEY_CHARS, false);
                final String valueText = parser.getText();
                final String valueProblem = valueText.length() > IngestLimits.MAX_ATTRIBUTE_VALUE_CHARS
                        ? "is longer than " + IngestLimits.MAX_ATTRIBUTE_VALUE_CHARS + " characters"
                        : textProblem(valueText);
                if (keyProblem != null) {
                    problem = "key " + keyProblem;
                } else if (valueProblem != null) {
                    problem = "value of " + quote(key) + " " + valueProblem;
                } else {
                    attributes.put(key, valueText);
                }
            }
        }
        if (problem != null) {
            out.add(new Violation(index, FIELD_ATTRIBUTES, Reason.INVALID_ATTRIBUTES, "attributes: " + problem));
            return null;
        }
        return attributes;
    }

    /**
     * Why {@code value} is not a printable identifier of at most {@code maxChars} characters, or null:
     * no control, format, line/paragraph-separator or unassigned code points, no unpaired surrogates,
     * and no whitespace unless {@code allowSpaces} (then only the plain space and other space separators).
     */
    static String printableProblem(final String value, final int maxChars, final boolean allowSpaces) {
        if (value.isEmpty()) {
            return "is empty";
        }
        final int chars = value.codePointCount(0, value.length());
        if (chars > maxChars) {
            return "has " + chars + " characters; the limit is " + maxChars;
        }
        int offset = 0;
        for (int i = 0; i < value.length(); ) {
            final int cp = value.codePointAt(i);
            final int type = Character.getType(cp);
            if (type == Character.SURROGATE) {
                return "contains an unpaired surrogate at character " + offset;
            }
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                return "contains a non-printable character " + codePoint(cp) + " at character " + offset;
            }
            if (!allowSpaces && (type == Character.SPACE_SEPARATOR || Character.isWhitespace(cp))) {
                return "contains whitespace " + codePoint(cp) + " at character " + offset;
            }
            i += Character.charCount(cp);
            offset++;
        }
        if (allowSpaces && value.isBlank()) {
            return "is only whitespace";
        }
        return null;
    }

    /**
     * Why free text (review text, attribute values) cannot be accepted, or null: C0 controls other than
     * tab, newline and carriage return, DEL, and unpaired surrogates (which cannot be encoded as UTF-8).
     */
    static String textProblem(final String text) {
        final int length = text.length();
        for (int i = 0; i < length; i++) {
            final char c = text.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
                return "contains the control character " + codePoint(c) + " at offset " + i;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "contains an unpaired surrogate at offset " + i;
            }
            if (Character.isLowSurrogate(c)) {
                return "contains an unpaired surrogate at offset " + i;
            }
        }
        return null;
    }

    private static boolean hasViolation(final List<Violation> violations, final String field) {
        for (final Violation v : violations) {
            if (field.equals(v.field())) {
                return true;
            }
        }
        return false;
    }

    static String describe(final JsonToken token) {
        if (token == null) {
            return "end of input";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.name();
        };
    }

    /** A field name in double quotes, made safe by {@link #safe}. */
    static String quote(final String name) {
        return '"' + safe(name) + '"';
    }

    /** A field name safe to echo: cut to {@value #MAX_QUOTED_NAME} characters, controls and quotes escaped. */
    static String safe(final String name) {
        final String cut = name.length() > MAX_QUOTED_NAME ? name.substring(0, MAX_QUOTED_NAME) + "..." : name;
        final StringBuilder out = new StringBuilder(cut.length() + 2);
        for (int i = 0; i < cut.length(); i++) {
            final char c = cut.charAt(i);
            if (c < 0x20 || c == 0x7F || c == '"' || c == '\\' || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String codePoint(final int cp) {
        return String.format("U+%04X", cp);
    }

    private static String location(final JsonParser parser) {
        return "line " + parser.currentLocation().getLineNr() + ", column " + parser.currentLocation().getColumnNr();
    }

    private static String firstLine(final String message) {
        if (message == null) {
            return "unreadable input";
        }
        final int newline = message.indexOf('\n');
        final String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
