package org.schedlab.workload;

import org.schedlab.workload.synthetic.Poisson;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * Resolves {@code --workload NAME:key=value,...} to a {@link WorkloadSpec}. Each generator lives in its own
 * class; adding one means registering it here.
 */
public final class Workloads {
    private static final Map<String, BiFunction<String, String, WorkloadSpec>> GENERATORS = new TreeMap<>();

    static {
        GENERATORS.put("poisson", Poisson::build);
        GENERATORS.put("hackbench", org.schedlab.workload.synthetic.Hackbench::build);
        GENERATORS.put("pipe", org.schedlab.workload.synthetic.Pipe::build);
        GENERATORS.put("schbench", org.schedlab.workload.synthetic.Schbench::build);
        GENERATORS.put("tbench", org.schedlab.workload.synthetic.Tbench::build);
        GENERATORS.put("netperf-rr", org.schedlab.workload.synthetic.NetperfRr::build);
        GENERATORS.put("stream", org.schedlab.workload.synthetic.Stream::build);
        GENERATORS.put("kernel-build", org.schedlab.workload.synthetic.KernelBuild::build);
        GENERATORS.put("oltp", org.schedlab.workload.synthetic.Oltp::build);
        GENERATORS.put("spec-rate", org.schedlab.workload.synthetic.SpecRate::build);
        GENERATORS.put("inference", org.schedlab.workload.synthetic.Inference::build);
        GENERATORS.put("ai-inference", org.schedlab.workload.synthetic.Inference::build);
    }

    private Workloads() {}

    public static void register(String name, BiFunction<String, String, WorkloadSpec> gen) {
        GENERATORS.put(name, gen);
    }

    /** @param spec e.g. {@code poisson:rate=1000,service=exp:1ms} */
    public static WorkloadSpec parse(String spec) {
        return parse(spec, Map.of());
    }

    /** @param overrides extra key=value pairs (from --param) merged over the spec's own */
    public static WorkloadSpec parse(String spec, Map<String, String> overrides) {
        if (spec == null || spec.isBlank()) throw new WorkloadException("empty workload spec");
        int colon = spec.indexOf(':');
        String name = colon < 0 ? spec : spec.substring(0, colon);
        String body = colon < 0 ? "" : spec.substring(colon + 1);
        if (!overrides.isEmpty()) {
            StringBuilder sb = new StringBuilder(body);
            for (Map.Entry<String, String> e : overrides.entrySet()) {
                if (sb.length() > 0) sb.append(',');
                sb.append(e.getKey()).append('=').append(e.getValue());
            }
            body = sb.toString();
            spec = name + ":" + body;
        }
        if (name.equals("rtapp") || name.equals("trace")) return fileWorkload(name, spec.substring(colon + 1), overrides);
        BiFunction<String, String, WorkloadSpec> gen = GENERATORS.get(name);
        if (gen == null)
            throw new WorkloadException("unknown workload '" + name + "'; known: " + String.join(", ", GENERATORS.keySet()));
        return gen.apply(spec, body);
    }

    public static java.util.Set<String> names() {
        java.util.Set<String> s = new java.util.TreeSet<>(GENERATORS.keySet());
        s.add("rtapp");
        s.add("trace");
        return s;
    }

    /** The {@code ,KEY=VALUE} pairs after the file of an rt-app or trace spec. */
    private static final java.util.regex.Pattern FILE_KV = java.util.regex.Pattern.compile(",([A-Za-z_][A-Za-z0-9_]*)=([^,]*)");

    /** The file an {@code rtapp:} or {@code trace:} spec reads (its body up to the first {@code ,KEY=VALUE}), else null. */
    public static String inputFile(String spec) {
        int colon = spec == null ? -1 : spec.indexOf(':');
        if (colon < 0) return null;
        String name = spec.substring(0, colon);
        if (!name.equals("rtapp") && !name.equals("trace")) return null;
        String body = spec.substring(colon + 1);
        java.util.regex.Matcher m = FILE_KV.matcher(body);
        return m.find() ? body.substring(0, m.start()) : body;
    }

    /** {@code rtapp:FILE[,KEY=VALUE...]} (placeholders such as DURATION) and {@code trace:FILE}. */
    private static WorkloadSpec fileWorkload(String kind, String body, Map<String, String> overrides) {
        if (body.isBlank()) throw new WorkloadException(kind + ": expected " + kind + ":FILE");
        String file = body;
        Map<String, String> kv = new java.util.LinkedHashMap<>();
        java.util.regex.Matcher m = FILE_KV.matcher(body);
        int first = -1;
        while (m.find()) {
            if (first < 0) first = m.start();
            kv.put(m.group(1), m.group(2));
        }
        if (first >= 0) file = body.substring(0, first);
        kv.putAll(overrides);
        java.nio.file.Path path = java.nio.file.Path.of(file);
        org.schedlab.InputFiles.checkRegular(path, kind.equals("rtapp") ? "an rt-app file" : "a trace");
        if (kind.equals("rtapp")) {
            Map<String, String> ph = new java.util.LinkedHashMap<>(org.schedlab.workload.rtapp.RtAppReader.defaultPlaceholders());
            ph.putAll(kv);
            return org.schedlab.workload.rtapp.RtAppReader.read(path, ph);
        }
        org.schedlab.workload.trace.ReplayOptions opts = new org.schedlab.workload.trace.ReplayOptions();
        for (Map.Entry<String, String> e : kv.entrySet()) {
            if (!e.getKey().equals("recorded_on"))
                throw new WorkloadException("trace:" + file + ": unknown key '" + e.getKey() + "'; expected recorded_on=TOPOLOGY");
            // CPU time recorded on a slower CPU is less work at capacity 1024
            org.schedlab.topology.Topology rec = org.schedlab.topology.TopologySources.resolve(e.getValue());
            opts.cpuCapacity = new int[rec.nrCpus()];
            for (int c = 0; c < rec.nrCpus(); c++) opts.cpuCapacity[c] = rec.capacityOf(c);
        }
        return org.schedlab.workload.trace.TraceReplay.build(org.schedlab.workload.trace.TraceReader.read(path), opts);
    }
}
