package io.sentimentstreams.text;

/**
 * Raw review text in, clean text out: invalid UTF-16 (lone surrogates) becomes U+FFFD, control characters
 * become spaces, a byte-order mark or zero-width space disappears or becomes a space, Unicode NFC (or NFKC)
 * is applied, HTML tags such as {@code <br />} and {@code <i>} become spaces and the common entities
 * ({@code &amp; &lt; &gt; &quot; &#39; &nbsp; &#NNN; &#xHH;}) are decoded, and whitespace runs collapse to one
 * space with both ends trimmed. Total: it never throws, and returns its input unchanged when there is
 * nothing to do. Thread-safe.
 */
public final class Normalizer {

    /** The longest tag we treat as markup; a longer {@code <...>} stretch is ordinary text. */
    private static final int MAX_TAG = 256;

    private final boolean nfkc;
    private final boolean stripHtml;

    public Normalizer(final boolean nfkc, final boolean stripHtml) {
        this.nfkc = nfkc;
        this.stripHtml = stripHtml;
    }

    public static Normalizer of(final PipelineConfig config) {
        return new Normalizer(config.nfkc(), config.stripHtml());
    }

    public String normalize(final String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        final String unicode = unicode(sanitize(text));
        return markupAndSpace(unicode);
    }

    /** Lone surrogates → U+FFFD, C0/C1 controls → space, BOM removed, zero-width space → space. */
    static String sanitize(final String text) {
        final int n = text.length();
        int i = 0;
        while (i < n) {
            final char c = text.charAt(i);
            if (needsSanitizing(c)) {
                break;
            }
            i++;
        }
        if (i == n) {
            return text;
        }
        final StringBuilder sb = new StringBuilder(n);
        sb.append(text, 0, i);
        for (; i < n; i++) {
            final char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                    sb.append(c).append(text.charAt(++i));
                } else {
                    sb.append('\uFFFD');
                }
            } else if (Character.isLowSurrogate(c)) {
                sb.append('\uFFFD');
            } else if (c == '\uFEFF') {
                continue;
            } else if (c == '\u200B' || (c < 0x20 && !PyChars.isSpace(c)) || (c >= 0x7F && c <= 0x9F && c != 0x85)) {
                sb.append(' ');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean needsSanitizing(final char c) {
        if (c >= 0x20 && c < 0x7F) {
            return false;
        }
        return Character.isSurrogate(c) || c == '\uFEFF' || c == '\u200B' || (c < 0x20 && !PyChars.isSpace(c))
                || (c >= 0x7F && c <= 0x9F && c != 0x85);
    }

    private String unicode(final String text) {
        // Characters below U+0300 are NFC-stable, so most English text skips the normalizer entirely;
        // NFKC changes some Latin-1 characters (nbsp, superscripts, ligature-free but U+00A0..), hence 0xA0.
        final int limit = nfkc ? 0xA0 : 0x300;
        boolean simple = true;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= limit) {
                simple = false;
                break;
            }
        }
        if (simple) {
            return text;
        }
        final java.text.Normalizer.Form form = nfkc ? java.text.Normalizer.Form.NFKC : java.text.Normalizer.Form.NFC;
        return java.text.Normalizer.isNormalized(text, form) ? text : java.text.Normalizer.normalize(text, form);
    }

    /** One pass: tags to spaces, entities decoded, whitespace collapsed and trimmed. */
    private String markupAndSpace(final String text) {
        final int n = text.length();
        if (isClean(text)) {
            return text;
        }
        final StringBuilder sb = new StringBuilder(n);
        boolean pendingSpace = false;
        // Ordinary characters are copied a run at a time (one bulk append instead of one per character).
        int run = -1;
        int i = 0;
        while (i < n) {
            final char c = text.charAt(i);
            if (PyChars.isSpace(c)) {
                if (run >= 0) {
                    sb.append(text, run, i);
                    run = -1;
                }
                pendingSpace = sb.length() > 0;
                i++;
                continue;
            }
            if (stripHtml && c == '<') {
                final int close = tagEnd(text, i);
                if (close > 0) {
                    if (run >= 0) {
                        sb.append(text, run, i);
                        run = -1;
                    }
                    pendingSpace = sb.length() > 0;
                    i = close + 1;
                    continue;
                }
            }
            if (stripHtml && c == '&') {
                final int semi = entityEnd(text, i);
                if (semi > 0) {
                    final int decoded = decodeEntity(text, i + 1, semi);
                    if (decoded >= 0) {
                        if (run >= 0) {
                            sb.append(text, run, i);
                            run = -1;
                        }
                        if (PyChars.isSpace(decoded)) {
                            pendingSpace = sb.length() > 0;
                        } else {
                            if (pendingSpace) {
                                sb.append(' ');
                                pendingSpace = false;
                            }
                            sb.appendCodePoint(decoded);
                        }
                        i = semi + 1;
                        continue;
                    }
                }
            }
            if (run < 0) {
                if (pendingSpace) {
                    sb.append(' ');
                    pendingSpace = false;
                }
                run = i;
            }
            i++;
        }
        if (run >= 0) {
            sb.append(text, run, n);
        }
        return sb.toString();
    }

    /** True when there is nothing to collapse, trim, strip or decode. */
    private boolean isClean(final String text) {
        final int n = text.length();
        if (PyChars.isSpace(text.charAt(0)) || PyChars.isSpace(text.charAt(n - 1))) {
            return false;
        }
        boolean prevSpace = false;
        for (int i = 0; i < n; i++) {
            final char c = text.charAt(i);
            if (c == ' ') {
                if (prevSpace) {
                    return false;
                }
                prevSpace = true;
                continue;
            }
            prevSpace = false;
            if (PyChars.isSpace(c) || (stripHtml && (c == '<' || c == '&'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The index of the {@code >} closing a tag that starts at {@code lt}, or -1: a tag is {@code <}, an
     * optional {@code /} or {@code !}, an ASCII letter, then anything but {@code <} and {@code >} up to
     * {@link #MAX_TAG} characters. {@code a < b} and {@code <3} are text, not tags.
     */
    private static int tagEnd(final String text, final int lt) {
        int k = lt + 1;
        if (k < text.length() && (text.charAt(k) == '/' || text.charAt(k) == '!')) {
            k++;
        }
        if (k >= text.length() || !isAsciiLetter(text.charAt(k))) {
            return -1;
        }
        final int limit = Math.min(text.length(), lt + MAX_TAG);
        for (; k < limit; k++) {
            final char c = text.charAt(k);
            if (c == '>') {
                return k;
            }
            if (c == '<') {
                return -1;
            }
        }
        return -1;
    }

    private static int entityEnd(final String text, final int amp) {
        final int limit = Math.min(text.length(), amp + 10);
        for (int k = amp + 1; k < limit; k++) {
            final char c = text.charAt(k);
            if (c == ';') {
                return k > amp + 1 ? k : -1;
            }
            if (!(isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '#')) {
                return -1;
            }
        }
        return -1;
    }

    private static int decodeEntity(final String text, final int from, final int to) {
        final String name = text.substring(from, to);
        switch (name) {
            case "amp": return '&';
            case "lt": return '<';
            case "gt": return '>';
            case "quot": return '"';
            case "apos": return '\'';
            case "nbsp": return ' ';
            default: break;
        }
        if (name.length() >= 2 && name.charAt(0) == '#') {
            try {
                final boolean hex = name.charAt(1) == 'x' || name.charAt(1) == 'X';
                final int cp = hex ? Integer.parseInt(name.substring(2), 16) : Integer.parseInt(name.substring(1));
                if (cp > 0 && cp <= Character.MAX_CODE_POINT && !(cp >= 0xD800 && cp <= 0xDFFF)
                        && !(cp < 0x20 && !PyChars.isSpace(cp)) && !(cp >= 0x7F && cp <= 0x9F)) {
                    return cp;
                }
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    private static boolean isAsciiLetter(final char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
