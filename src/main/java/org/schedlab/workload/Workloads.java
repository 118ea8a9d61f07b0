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
        BiFunction<String, String, WorkloadSpec> gen = GENERATORS.get(name);
        if (gen == null)
            throw new WorkloadException("unknown workload '" + name + "'; known: " + String.join(", ", GENERATORS.keySet()));
        return gen.apply(spec, body);
    }

    public static java.util.Set<String> names() { return GENERATORS.keySet(); }
}
