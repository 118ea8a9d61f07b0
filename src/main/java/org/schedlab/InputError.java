package org.schedlab;

/**
 * Bad input from the user: a file, flag or spec that cannot be used. The message is a single line naming the
 * source (file and line where there is one) and what was expected; the CLI prints it and exits non-zero. Control
 * characters a message quotes from the input (a newline inside a YAML string, say) are shown as backslash
 * escapes (n, r, t, or u and four hex digits), so the line stays one line.
 */
public class InputError extends RuntimeException {
    public InputError(String message) { super(oneLine(message)); }
    public InputError(String message, Throwable cause) { super(oneLine(message), cause); }

    static String oneLine(String s) {
        if (s == null) return null;
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || c == '\u0085';
            if (!control) {
                if (sb != null) sb.append(c);
                continue;
            }
            if (sb == null) sb = new StringBuilder(s.length() + 8).append(s, 0, i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(String.format("\\u%04x", (int) c));
            }
        }
        return sb == null ? s : sb.toString();
    }
}
