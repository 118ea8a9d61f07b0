package org.schedlab.workload.rtapp;

import org.schedlab.workload.WorkloadException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The tolerant JSON dialect of rt-app use-case files. Objects keep every member in file order, duplicates
 * included; trailing commas before a closing bracket and {@code //} / {@code /* *}{@code /} comments are accepted;
 * a key followed directly by {@code ,} or {@code }} yields a member whose value is {@link Missing} (the bare
 * {@code "suspend",} form); unquoted {@code __NAME__} placeholders are replaced by their value. Every node knows
 * its line and column; every error is a {@link WorkloadException} whose message is one line
 * {@code <file>:<line>:<col>: <what>; expected <what>}. Parsing is linear in the input and nesting is bounded.
 */
final class RtAppJson {
    static final int MAX_DEPTH = 64;
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    /** A parsed value with its position (1-based line and column). */
    abstract static class Node {
        final int line, col;
        Node(int line, int col) { this.line = line; this.col = col; }
        abstract String describe();
    }

    static final class Obj extends Node {
        final List<Member> members;
        Obj(int line, int col, List<Member> members) { super(line, col); this.members = Collections.unmodifiableList(members); }
        @Override String describe() { return "an object"; }

        /** Members named {@code key}, in file order. */
        List<Member> all(String key) {
            List<Member> r = new ArrayList<>();
            for (Member m : members) if (m.key.equals(key)) r.add(m);
            return r;
        }
    }

    static final class Member {
        final String key;
        final Node value;
        final int line, col;
        Member(String key, Node value, int line, int col) { this.key = key; this.value = value; this.line = line; this.col = col; }
    }

    static final class Arr extends Node {
        final List<Node> items;
        Arr(int line, int col, List<Node> items) { super(line, col); this.items = Collections.unmodifiableList(items); }
        @Override String describe() { return "an array"; }
    }

    static final class Str extends Node {
        final String value;
        Str(int line, int col, String value) { super(line, col); this.value = value; }
        @Override String describe() { return "the string \"" + RtAppJson.clip(value, 40) + "\""; }
    }

    static final class Num extends Node {
        final String text;
        Num(int line, int col, String text) { super(line, col); this.text = text; }
        boolean integral() { return text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0; }
        @Override String describe() { return "the number " + RtAppJson.clip(text, 40); }
    }

    static final class Bool extends Node {
        final boolean value;
        Bool(int line, int col, boolean value) { super(line, col); this.value = value; }
        @Override String describe() { return String.valueOf(value); }
    }

    static final class Null extends Node {
        Null(int line, int col) { super(line, col); }
        @Override String describe() { return "null"; }
    }

    /** The value of a bare key ({@code "suspend",}). */
    static final class Missing extends Node {
        Missing(int line, int col) { super(line, col); }
        @Override String describe() { return "missing (a bare key)"; }
    }

    private final String file;
    private final String s;
    private final Map<String, String> placeholders;
    private int pos, line = 1, col = 1, depth;

    private RtAppJson(String file, String text, Map<String, String> placeholders) {
        this.file = file;
        this.s = text;
        this.placeholders = placeholders;
    }

    /**
     * Parses a whole document. {@code placeholders} maps names without underscores ({@code DURATION}) to the raw
     * text of their value: a JSON number, {@code true}/{@code false}, or anything else taken as a string.
     */
    static Node parse(String file, String text, Map<String, String> placeholders) {
        RtAppJson p = new RtAppJson(file, text, placeholders);
        if (text.startsWith("\uFEFF")) p.pos = 1;
        p.skipBlank();
        if (p.pos >= text.length()) throw p.error("the file is empty", "a JSON object");
        Node root = p.value();
        p.skipBlank();
        if (p.pos < text.length()) throw p.error("unexpected " + p.near() + " after the top-level value", "end of file");
        return root;
    }

    static String clip(String t, int max) {
        String one = t.replaceAll("[\\r\\n\\t]+", " ");
        return one.length() <= max ? one : one.substring(0, max) + "...";
    }

    WorkloadException error(String what, String expected) { return error(line, col, what, expected); }

    WorkloadException error(int l, int c, String what, String expected) {
        return new WorkloadException((file + ":" + l + ":" + c + ": " + what + "; expected " + expected).replaceAll("\\p{Cntrl}", " "));
    }

    private String near() {
        if (pos >= s.length()) return "end of file";
        int end = pos;
        while (end < s.length() && end - pos < 20 && !Character.isWhitespace(s.charAt(end))) end++;
        if (end == pos) end = pos + 1;
        return "'" + clip(s.substring(pos, end), 20) + "'";
    }

    private void advance() {
        char c = s.charAt(pos++);
        if (c == '\n') { line++; col = 1; } else col++;
    }

    /** Skips whitespace and comments. */
    private void skipBlank() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u00a0') {
                advance();
            } else if (c == '/' && pos + 1 < s.length() && s.charAt(pos + 1) == '/') {
                while (pos < s.length() && s.charAt(pos) != '\n') advance();
            } else if (c == '/' && pos + 1 < s.length() && s.charAt(pos + 1) == '*') {
                int l = line, cl = col;
                advance();
                advance();
                while (true) {
                    if (pos >= s.length()) throw error(l, cl, "unterminated /* comment", "'*/' before end of file");
                    if (s.charAt(pos) == '*' && pos + 1 < s.length() && s.charAt(pos + 1) == '/') {
                        advance();
                        advance();
                        break;
                    }
                    advance();
                }
            } else {
                return;
            }
        }
    }

    private Node value() {
        if (pos >= s.length()) throw error("unexpected end of file", "a value");
        char c = s.charAt(pos);
        switch (c) {
            case '{': return object();
            case '[': return array();
            case '"': { int l = line, cl = col; return new Str(l, cl, string()); }
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return number();
                if (Character.isLetter(c) || c == '_') return word();
                throw error("unexpected " + near(), "a value (object, array, string, number, true, false or null)");
        }
    }

    private void enter() {
        if (++depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH + " levels", "a shallower document");
    }

    private Obj object() {
        int l = line, cl = col;
        enter();
        advance();
        List<Member> members = new ArrayList<>();
        while (true) {
            skipBlank();
            if (pos >= s.length()) throw error(l, cl, "object is not closed", "'}' before end of file");
            char c = s.charAt(pos);
            if (c == '}') { advance(); break; }
            if (c != '"') throw error("unexpected " + near() + " in an object", "a quoted key or '}'");
            int kl = line, kc = col;
            String key = string();
            skipBlank();
            Node v;
            if (pos < s.length() && s.charAt(pos) == ':') {
                advance();
                skipBlank();
                v = value();
            } else if (pos < s.length() && (s.charAt(pos) == ',' || s.charAt(pos) == '}')) {
                v = new Missing(kl, kc);
            } else {
                throw error("unexpected " + near() + " after key \"" + clip(key, 40) + "\"", "':' and a value");
            }
            members.add(new Member(key, v, kl, kc));
            skipBlank();
            if (pos >= s.length()) throw error(l, cl, "object is not closed", "'}' before end of file");
            c = s.charAt(pos);
            if (c == ',') { advance(); continue; }
            if (c == '}') { advance(); break; }
            throw error("unexpected " + near() + " after a member", "',' or '}'");
        }
        depth--;
        return new Obj(l, cl, members);
    }

    private Arr array() {
        int l = line, cl = col;
        enter();
        advance();
        List<Node> items = new ArrayList<>();
        while (true) {
            skipBlank();
            if (pos >= s.length()) throw error(l, cl, "array is not closed", "']' before end of file");
            if (s.charAt(pos) == ']') { advance(); break; }
            items.add(value());
            skipBlank();
            if (pos >= s.length()) throw error(l, cl, "array is not closed", "']' before end of file");
            char c = s.charAt(pos);
            if (c == ',') { advance(); continue; }
            if (c == ']') { advance(); break; }
            throw error("unexpected " + near() + " in an array", "',' or ']'");
        }
        depth--;
        return new Arr(l, cl, items);
    }

    private String string() {
        int l = line, cl = col;
        advance();
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= s.length()) throw error(l, cl, "string is not closed", "'\"' before end of file");
            char c = s.charAt(pos);
            if (c == '"') { advance(); return sb.toString(); }
            if (c == '\n' || c == '\r') throw error(l, cl, "string is not closed on its line", "'\"' before the end of the line");
            if (c == '\\') {
                int el = line, ec = col;
                advance();
                if (pos >= s.length()) throw error(l, cl, "string is not closed", "'\"' before end of file");
                char e = s.charAt(pos);
                advance();
                switch (e) {
                    case '"': sb.append('"'); break;
                    case '\\': sb.append('\\'); break;
                    case '/': sb.append('/'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'u': {
                        int v = 0;
                        for (int i = 0; i < 4; i++) {
                            int d = pos < s.length() ? Character.digit(s.charAt(pos), 16) : -1;
                            if (d < 0) throw error(el, ec, "bad \\u escape in a string", "four hex digits after \\u");
                            v = v * 16 + d;
                            advance();
                        }
                        sb.append((char) v);
                        break;
                    }
                    default:
                        throw error(el, ec, "unknown escape '\\" + e + "' in a string", "one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
                }
                continue;
            }
            sb.append(c);
            advance();
        }
    }

    private Num number() {
        int l = line, cl = col;
        int start = pos;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') advance();
            else break;
        }
        String t = s.substring(start, pos);
        if (!NUMBER.matcher(t).matches()) throw error(l, cl, "malformed number '" + clip(t, 30) + "'", "a JSON number such as 1000 or -2");
        return new Num(l, cl, t);
    }

    private Node word() {
        int l = line, cl = col;
        int start = pos;
        while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) advance();
        String w = s.substring(start, pos);
        switch (w) {
            case "true": return new Bool(l, cl, true);
            case "false": return new Bool(l, cl, false);
            case "null": return new Null(l, cl);
            default:
        }
        if (w.length() > 4 && w.startsWith("__") && w.endsWith("__")) {
            String name = w.substring(2, w.length() - 2);
            String v = placeholders.get(name);
            if (v == null)
                throw error(l, cl, "no value for placeholder " + w, "a value given for " + name + " (known: " + String.join(", ", placeholders.keySet()) + ")");
            if (NUMBER.matcher(v).matches()) return new Num(l, cl, v);
            if (v.equals("true") || v.equals("false")) return new Bool(l, cl, v.equals("true"));
            return new Str(l, cl, v);
        }
        throw error(l, cl, "unexpected word '" + clip(w, 30) + "'", "a value (strings must be quoted)");
    }
}
