package org.schedlab.cost;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.schedlab.InputError;
import org.schedlab.InputFiles;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cost profiles as YAML files: one top-level key per public field of {@link CostModel} (same name, same unit),
 * plus the optional keys {@code profile} (a name), {@code host} and {@code measured} (free-form mappings that
 * {@code schedlab calibrate} fills with what it measured and how). Keys a profile leaves out keep the built-in
 * default. Integer constants take integers, fractional ones numbers, each within its physical range
 * ({@link CostModel.Range}); a key given twice is refused. The built-in default is the resource
 * {@code org/schedlab/cost/default.yaml}.
 */
public final class CostProfile {
    private CostProfile() {}

    public static final String DEFAULT_RESOURCE = "default.yaml";
    /** The largest profile file read (a calibrated one is a few KiB). */
    public static final long MAX_BYTES = InputFiles.MiB;
    private static final List<String> META = List.of("profile", "host", "measured");
    private static final ObjectMapper YAML = new ObjectMapper(org.schedlab.Yaml.FACTORY);
    private static volatile CostModel builtin;

    /** The cost constants of {@link CostModel}, in declaration order. */
    public static List<Field> constants() {
        List<Field> fs = new ArrayList<>();
        for (Field f : CostModel.class.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isPublic(m) && !Modifier.isStatic(m)) fs.add(f);
        }
        return Collections.unmodifiableList(fs);
    }

    /** {@code default}, {@code none} or a profile file. */
    public static CostModel resolve(String spec) {
        if (spec.equals("none")) return CostModel.none();
        if (spec.equals("default")) return builtin();
        return load(Path.of(spec));
    }

    /** A fresh copy of the built-in default profile. */
    public static CostModel builtin() {
        CostModel b = builtin;
        if (b == null) {
            try (InputStream in = CostProfile.class.getResourceAsStream(DEFAULT_RESOURCE)) {
                if (in == null) throw new IllegalStateException("missing resource " + DEFAULT_RESOURCE);
                b = parse("default.yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8), new CostModel());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            builtin = b;
        }
        return copy(b);
    }

    public static CostModel load(Path file) {
        return parse(file.toString(), InputFiles.readString(file, "a cost profile", MAX_BYTES), builtin());
    }

    /** Reads {@code text} (named {@code name} in errors) over {@code base}. */
    static CostModel parse(String name, String text, CostModel base) {
        Map<String, Field> byName = new LinkedHashMap<>();
        for (Field f : constants()) byName.put(f.getName(), f);
        CostModel c = copy(base);
        org.schedlab.Yaml.refuseAliases(name, text);
        try (JsonParser p = YAML.getFactory().createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) throw new InputError(name + ": empty cost profile; expected a mapping of cost constants");
            if (t != JsonToken.START_OBJECT)
                throw new InputError(where(name, p.currentTokenLocation()) + "expected a mapping of cost constants");
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonLocation at = p.currentTokenLocation();
                JsonToken v = p.nextToken();
                if (META.contains(key)) {
                    JsonNode node = p.readValueAsTree();
                    if (key.equals("profile") && !(node != null && node.isTextual()))
                        throw new InputError(where(name, at) + "'profile' must be a name");
                    if (!key.equals("profile") && !(node != null && node.isObject()))
                        throw new InputError(where(name, at) + "'" + key + "' must be a mapping");
                    continue;
                }
                Field f = byName.get(key);
                if (f == null)
                    throw new InputError(where(name, at) + "unknown key '" + key + "'; expected a cost constant ("
                            + String.join(", ", byName.keySet()) + ") or " + String.join(", ", META));
                boolean integral = f.getType() == long.class;
                CostModel.Range range = f.getAnnotation(CostModel.Range.class);
                String expected = (integral ? "an integer" : "a number") + " between " + plain(range.min()) + " and "
                        + plain(range.max()) + " " + range.unit();
                if (v != JsonToken.VALUE_NUMBER_INT && (integral || v != JsonToken.VALUE_NUMBER_FLOAT))
                    throw new InputError(where(name, at) + "'" + key + "' must be " + expected + ", got '"
                            + (v.isScalarValue() ? p.getText() : v == JsonToken.START_ARRAY ? "[...]" : "{...}") + "'");
                try {
                    if (integral) {
                        if (p.getNumberType() != JsonParser.NumberType.INT && p.getNumberType() != JsonParser.NumberType.LONG)
                            throw new InputError(where(name, at) + "'" + key + "' must be " + expected + " that fits in 64 bits");
                        long x = p.getLongValue();
                        if (x < range.min() || x > range.max())
                            throw new InputError(where(name, at) + "'" + key + "' must be " + expected + ", got " + x);
                        f.setLong(c, x);
                    } else {
                        double x = p.getDoubleValue();
                        if (!(x >= range.min() && x <= range.max()))
                            throw new InputError(where(name, at) + "'" + key + "' must be " + expected + ", got " + p.getText());
                        f.setDouble(c, x);
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (t != JsonToken.END_OBJECT)
                throw new InputError(where(name, p.currentTokenLocation()) + "expected a mapping of cost constants");
            if (p.nextToken() != null)
                throw new InputError(where(name, p.currentTokenLocation()) + "expected one YAML document");
        } catch (JsonProcessingException e) {
            throw new InputError(where(name, e.getLocation()) + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new InputError(name + ": cannot read cost profile: " + e.getMessage());
        }
        return c;
    }

    /**
     * A profile file for {@code c}: a header, then one line per constant with its comment from {@code comments}
     * (where given), then {@code host} and {@code measured} when non-null.
     */
    public static String write(String profileName, List<String> header, CostModel c, Map<String, String> comments,
                               JsonNode host, JsonNode measured) {
        StringBuilder sb = new StringBuilder();
        for (String h : header) sb.append("# ").append(h).append('\n');
        sb.append("profile: ").append(quote(profileName)).append('\n');
        for (Field f : constants()) {
            String comment = comments.get(f.getName());
            if (comment != null) sb.append("# ").append(comment).append('\n');
            sb.append(f.getName()).append(": ").append(value(f, c)).append('\n');
        }
        try {
            if (host != null) sb.append(YAML.writeValueAsString(Map.of("host", host)).replaceFirst("^---\\s*\n", ""));
            if (measured != null) sb.append(YAML.writeValueAsString(Map.of("measured", measured)).replaceFirst("^---\\s*\n", ""));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return sb.toString();
    }

    /** The constants on which {@code a} and {@code b} differ (name=a/b), empty when equal. */
    public static List<String> differences(CostModel a, CostModel b) {
        List<String> d = new ArrayList<>();
        for (Field f : constants()) {
            String x = value(f, a), y = value(f, b);
            if (!x.equals(y)) d.add(f.getName() + "=" + x + "/" + y);
        }
        if (a.isFree() != b.isFree()) d.add("free=" + a.isFree() + "/" + b.isFree());
        return d;
    }

    /** SHA-256 (hex) of a profile file's bytes: results computed under a profile are keyed by its content. */
    /** The {@code measured} mapping {@code calibrate} wrote into a profile file, or null when it has none. */
    public static JsonNode measured(Path file) {
        try {
            JsonNode doc = YAML.readTree(file.toFile());
            return doc == null ? null : doc.get("measured");
        } catch (IOException e) {
            return null;
        }
    }

    public static String sha256(Path file) { return InputFiles.sha256(file, "a cost profile", MAX_BYTES); }

    private static volatile String builtinSha256;

    /** SHA-256 (hex) of the built-in profile's text. */
    public static String builtinSha256() {
        String h = builtinSha256;
        if (h == null) builtinSha256 = h = readBuiltinSha256();
        return h;
    }

    private static String readBuiltinSha256() {
        try (InputStream in = CostProfile.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) throw new IllegalStateException("missing resource " + DEFAULT_RESOURCE);
            return InputFiles.sha256(in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String value(Field f, CostModel c) {
        try {
            return f.getType() == long.class ? Long.toString(f.getLong(c)) : Double.toString(f.getDouble(c));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy of {@code from}, every constant (an all-free model stays free). */
    public static CostModel copy(CostModel from) {
        if (from.isFree()) return CostModel.none();
        CostModel c = new CostModel();
        try {
            for (Field f : constants()) f.set(c, f.get(from));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        return c;
    }

    /** A range bound as written in a profile: no fraction or exponent when it is a whole number. */
    private static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e18 ? Long.toString((long) v) : Double.toString(v);
    }

    private static String quote(String s) {
        return s.matches("[A-Za-z0-9_.:/-]+") ? s : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String where(String name, JsonLocation l) {
        return l == null || l.getLineNr() < 1 ? name + ": " : name + ":" + l.getLineNr() + ": ";
    }

    private static String oneLine(String s) {
        if (s == null) return "malformed YAML";
        String first = s.strip().split("\n", 2)[0].strip();
        if (first.startsWith("Duplicate field ")) return "key " + first.substring("Duplicate field ".length()) + " appears twice";
        return "malformed YAML: " + first;
    }
}
