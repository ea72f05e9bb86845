package io.sentimentstreams.vocab;

/** Writes JSON text the way Python's {@code json.dumps} does by default ({@code ", "}/{@code ": "}, ASCII only). */
final class PyJson {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private PyJson() {
    }

    /** Appends {@code s} as a Python {@code json.dumps} string literal (ensure_ascii=True). */
    static void string(final StringBuilder sb, final String s) {
        if (s == null) {
            sb.append("null");
            return;
        }
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        // Python escapes every non-printable-ASCII UTF-16 unit, surrogates one by one.
                        sb.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
                                .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    static String string(final String s) {
        final StringBuilder sb = new StringBuilder(s == null ? 4 : s.length() + 2);
        string(sb, s);
        return sb.toString();
    }
}
