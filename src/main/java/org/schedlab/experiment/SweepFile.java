package org.schedlab.experiment;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import org.schedlab.InputError;
import org.schedlab.InputFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep definition in YAML, turned into a {@link Grid}:
 *
 * <pre>
 * topology: [epyc-7763-2s]          # string or list of strings
 * policy:   [linux-wake, pull]
 * workload: [hackbench]
 * seeds: 5                          # N for seeds 1..N, or a list of seeds
 * duration: 1s
 * warmup: 100ms                     # optional: a duration, auto, or steady (duration is then the window after it)
 * params:                           # optional; cartesian product of the lists
 *   groups: [1, 2, 4]
 * costs: default                    # optional: default or none
 * hz: 250                           # optional: 100, 250, 300 or 1000
 * task_group: autogroup             # optional: root (default) or autogroup
 * tg_load_ratelimit: off            # optional: on (default, 6.7+) or off
 * fair: cfs                         # optional: eevdf (default) or cfs (5.19)
 * </pre>
 *
 * Any problem (syntax, unknown or repeated key, wrong type, empty list, duplicate value, bad duration) is an
 * {@link InputError} of one line naming the file and, where known, the line.
 */
public final class SweepFile {
    private static final Map<String, String> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("topology", "a topology or a list of topologies");
        EXPECTED.put("policy", "a policy or a list of policies");
        EXPECTED.put("workload", "a workload or a list of workloads");
        EXPECTED.put("seeds", "a positive integer N (seeds 1..N) or a list of integer seeds");
        EXPECTED.put("duration", "a duration such as 500ms or 2s");
        EXPECTED.put("warmup", "a duration such as 100ms, auto or steady");
        EXPECTED.put("params", "a map from parameter name to a list of values");
        EXPECTED.put("costs", "default or none");
        EXPECTED.put("hz", "an integer: 100, 250, 300 or 1000");
        EXPECTED.put("task_group", "root or autogroup");
        EXPECTED.put("tg_load_ratelimit", "on or off");
        EXPECTED.put("fair", "eevdf or cfs");
    }

    private SweepFile() {}

    /** Field-for-field image of the YAML; bound strictly by Jackson. */
    static final class Raw {
        public List<String> topology;
        public List<String> policy;
        public List<String> workload;
        public JsonNode seeds;
        public String duration;
        public String warmup;
        public LinkedHashMap<String, List<JsonNode>> params;
        public String costs;
        public Integer hz;
        public String task_group;
        public String tg_load_ratelimit;
        public String fair;
    }

    private static final ObjectMapper YAML = new ObjectMapper(org.schedlab.Yaml.FACTORY)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** The largest sweep file read. */
    public static final long MAX_BYTES = InputFiles.MiB;

    /** The text of a sweep file, within {@link #MAX_BYTES}. */
    public static String read(Path file) {
        return InputFiles.readString(file, "a sweep file", MAX_BYTES);
    }

    public static Grid load(Path file) {
        return parse(file.toString(), read(file));
    }

    /**
     * Parses sweep YAML and resolves every run it describes ({@link Grid#validate}); {@code name} is used in error
     * messages.
     */
    public static Grid parse(String name, String text) {
        Grid g = parseOnly(name, text);
        try {
            g.validate();
        } catch (InputError e) {
            throw new InputError(name + ": " + e.getMessage());
        }
        return g;
    }

    static Grid parseOnly(String name, String text) {
        if (text.isBlank()) throw new InputError(name + ": empty sweep file");
        Map<String, Integer> lines = keyLines(name, text);
        org.schedlab.Yaml.refuseAliases(name, text);
        Raw raw;
        try {
            raw = YAML.readValue(text, Raw.class);
        } catch (UnrecognizedPropertyException e) {
            throw new InputError(where(name, e.getLocation()) + "unknown key '" + e.getPropertyName()
                    + "'; expected " + String.join(", ", EXPECTED.keySet()));
        } catch (JsonMappingException e) {
            String key = e.getPath().isEmpty() ? null : e.getPath().get(0).getFieldName();
            String what = key != null && EXPECTED.containsKey(key)
                    ? "'" + key + "' must be " + EXPECTED.get(key)
                    : e.getPath().isEmpty() ? "expected a mapping with keys " + String.join(", ", EXPECTED.keySet())
                    : oneLine(e.getOriginalMessage());
            throw new InputError(where(name, e.getLocation()) + what);
        } catch (JsonProcessingException e) {
            throw new InputError(where(name, e.getLocation()) + oneLine(e.getOriginalMessage()));
        }
        if (raw == null) throw new InputError(name + ": empty sweep file");
        Checker c = new Checker(name, lines);

        List<String> topologies = c.strings("topology", raw.topology);
        List<String> policies = c.strings("policy", raw.policy);
        List<String> workloads = c.strings("workload", raw.workload);
        List<Long> seeds = c.seeds(raw.seeds);
        RunSpec t = new RunSpec();
        if (raw.duration == null) throw c.error("duration", "missing 'duration' (" + EXPECTED.get("duration") + ")");
        t.durationNs = c.duration("duration", raw.duration);
        if (t.durationNs == 0) throw c.error("duration", "'duration' must be positive");
        if (raw.warmup != null) t.warmupNs = c.warmup(raw.warmup);
        if (raw.warmup != null && t.warmupNs >= 0 && t.warmupNs >= t.durationNs)
            throw c.error("warmup", "'warmup' " + raw.warmup.trim() + " is not shorter than 'duration' " + raw.duration.trim()
                    + ": nothing would be measured");
        if (raw.costs != null) t.costs = c.choice("costs", raw.costs, "default", "none");
        if (raw.hz != null) {
            if (raw.hz != 100 && raw.hz != 250 && raw.hz != 300 && raw.hz != 1000)
                throw c.error("hz", "'hz' must be 100, 250, 300 or 1000, got " + raw.hz);
            t.hz = raw.hz;
        }
        if (raw.task_group != null) t.autogroup = c.choice("task_group", raw.task_group, "autogroup", "root");
        if (raw.tg_load_ratelimit != null) t.tgLoadRatelimit = c.choice("tg_load_ratelimit", raw.tg_load_ratelimit, "on", "off");
        if (raw.fair != null) t.cfs = c.choice("fair", raw.fair, "cfs", "eevdf");
        Map<String, List<String>> params = c.params(raw.params);
        try {
            return new Grid(t, topologies, workloads, params, policies, seeds);
        } catch (InputError e) {
            throw new InputError(name + ": " + e.getMessage());
        }
    }

    /** Line of each top-level key, for messages about values that parse but are not acceptable. */
    private static Map<String, Integer> keyLines(String name, String text) {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser p = YAML.getFactory().createParser(text)) {
            int depth = 0;
            for (JsonToken tok = p.nextToken(); tok != null; tok = p.nextToken()) {
                if (tok.isStructStart()) depth++;
                else if (tok.isStructEnd()) depth--;
                else if (tok == JsonToken.FIELD_NAME && depth == 1)
                    lines.putIfAbsent(p.currentName(), p.currentTokenLocation().getLineNr());
            }
        } catch (JsonProcessingException e) {
            throw new InputError(where(name, e.getLocation()) + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new InputError(name + ": " + e.getMessage());
        }
        return lines;
    }

    private static String where(String name, JsonLocation loc) {
        if (loc == null || loc.getLineNr() < 1) return name + ": ";
        return name + ":" + loc.getLineNr() + ": ";
    }

    private static String oneLine(String s) {
        if (s == null) return "invalid YAML";
        if (s.startsWith("Duplicate field ")) return "key " + s.substring("Duplicate field ".length()) + " appears twice";
        return s.replaceAll("\\s*\\n\\s*", " ").trim();
    }

    /** Checks of bound values, with errors located at the line of their key. */
    private static final class Checker {
        private final String name;
        private final Map<String, Integer> lines;

        Checker(String name, Map<String, Integer> lines) {
            this.name = name;
            this.lines = lines;
        }

        InputError error(String key, String msg) {
            Integer l = lines.get(key);
            return new InputError(name + (l == null ? "" : ":" + l) + ": " + msg);
        }

        /** A two-valued key: true for {@code yes}, false for {@code no}, else the error naming both. */
        boolean choice(String key, String v, String yes, String no) {
            if (v.equals(yes)) return true;
            if (v.equals(no)) return false;
            throw error(key, "'" + key + "' must be " + EXPECTED.get(key) + ", got '" + v + "'");
        }

        List<String> strings(String key, List<String> xs) {
            if (xs == null) throw error(key, lines.containsKey(key) ? "'" + key + "' must not be empty"
                    : "missing '" + key + "' (" + EXPECTED.get(key) + ")");
            if (xs.isEmpty()) throw error(key, "'" + key + "' must not be empty");
            List<String> out = new ArrayList<>();
            for (String x : xs) {
                if (x == null || x.isBlank()) throw error(key, "'" + key + "' has an empty entry");
                if (x.trim().matches("[A-Za-z_][A-Za-z0-9_-]*=.*"))
                    throw error(key, "'" + key + "' entry '" + x.trim() + "' looks like the rest of a spec split at a"
                            + " comma; quote specs that contain commas, e.g. [\"synthetic:llcs=2,cores=4\"]");
                if (out.contains(x.trim())) throw error(key, "'" + key + "' lists '" + x.trim() + "' twice");
                out.add(x.trim());
            }
            return out;
        }

        List<Long> seeds(JsonNode n) {
            if (n == null || n.isNull()) throw error("seeds", "missing 'seeds' (" + EXPECTED.get("seeds") + ")");
            if (n.isIntegralNumber()) {
                if (n.asDouble() < 1) throw error("seeds", "'seeds' must be at least 1, got " + n.asText());
                if (!n.canConvertToInt() || n.intValue() > Grid.MAX_SEEDS)
                    throw error("seeds", "'seeds' is " + n.asText() + ", more than the limit of " + Grid.MAX_SEEDS + " seeds");
                return Grid.seeds(n.intValue());
            }
            if (!n.isArray()) throw error("seeds", "'seeds' must be " + EXPECTED.get("seeds"));
            if (n.isEmpty()) throw error("seeds", "'seeds' must not be empty");
            if (n.size() > Grid.MAX_SEEDS)
                throw error("seeds", "'seeds' lists " + n.size() + " seeds, more than the limit of " + Grid.MAX_SEEDS);
            List<Long> out = new ArrayList<>();
            for (JsonNode x : n) {
                if (!x.isIntegralNumber() || !x.canConvertToLong() || x.longValue() < 0)
                    throw error("seeds", "'seeds' entries must be integers >= 0, got '" + x.asText() + "'");
                if (out.contains(x.longValue())) throw error("seeds", "'seeds' lists " + x.longValue() + " twice");
                out.add(x.longValue());
            }
            return out;
        }

        long duration(String key, String v) {
            try {
                return RunSpec.parseDuration(key, v);
            } catch (InputError e) {
                throw error(key, e.getMessage());
            }
        }

        long warmup(String v) {
            try {
                return RunSpec.parseWarmup("warmup", v);
            } catch (InputError e) {
                throw error("warmup", e.getMessage());
            }
        }

        Map<String, List<String>> params(Map<String, List<JsonNode>> raw) {
            Map<String, List<String>> out = new LinkedHashMap<>();
            if (raw == null) return out;
            for (Map.Entry<String, List<JsonNode>> e : raw.entrySet()) {
                String k = e.getKey();
                if (!k.matches("[A-Za-z_][A-Za-z0-9_-]*")) throw error("params", "'params': '" + k + "' is not a parameter name");
                List<JsonNode> vs = e.getValue();
                if (vs == null || vs.isEmpty()) throw error("params", "'params." + k + "' must not be empty");
                List<String> values = new ArrayList<>();
                for (JsonNode v : vs) {
                    if (v == null || !v.isValueNode() || v.isNull())
                        throw error("params", "'params." + k + "' must be a list of scalar values");
                    String s = v.asText().trim();
                    if (s.isEmpty()) throw error("params", "'params." + k + "' has an empty value");
                    if (values.contains(s)) throw error("params", "'params." + k + "' lists '" + s + "' twice");
                    values.add(s);
                }
                out.put(k, values);
            }
            return out;
        }
    }
}
