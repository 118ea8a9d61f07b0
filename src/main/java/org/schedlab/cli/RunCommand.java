package org.schedlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.schedlab.AtomicFiles;
import org.schedlab.InputError;
import org.schedlab.experiment.RunSpec;
import org.schedlab.experiment.Runner;
import org.schedlab.report.PerfettoWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code schedlab run}: one simulated run with a human summary and optional JSON. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Simulate one workload under one policy on one machine.")
public final class RunCommand implements Callable<Integer> {
    @Mixin MachineOptions machine;
    @Mixin RunOptions run;

    @Option(names = "--policy", required = true, paramLabel = "POLICY", description = "linux-wake, global, random, pull, push[:k=v,...], class:NAME ...")
    String policy;
    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Random seed, 0 or more (default ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--param", paramLabel = "KEY=VALUE", description = "Workload parameter (repeatable).")
    Map<String, String> params = new LinkedHashMap<>();
    @Option(names = "--check", description = "Check invariants after every event (slow).")
    boolean check;
    @Option(names = "--json", paramLabel = "FILE", description = "Write the result JSON here.")
    Path json;
    @Option(names = "--perfetto", paramLabel = "FILE", description = "Write the schedule as Chrome/Perfetto trace JSON.")
    Path perfetto;
    @Option(names = "--window", paramLabel = "FROM-TO", description = "Time window of the Perfetto trace, e.g. 0-100ms.")
    String window;

    @Override public Integer call() throws Exception {
        if (seed < 0) throw new InputError("--seed: must be 0 or more, got " + seed);
        if (json != null) AtomicFiles.checkTarget(json);
        RunSpec spec = spec();
        if (window != null && perfetto == null) throw new InputError("--window needs --perfetto FILE");
        long[] win = window == null ? new long[]{0, Long.MAX_VALUE} : PerfettoWriter.parseWindow(window);
        Runner.Prepared prepared = Runner.prepare(spec);
        // what the topology reader assumed (inferred NUMA nodes, estimated capacities), as topology show says it
        java.io.PrintWriter err = new java.io.PrintWriter(System.err, true);
        for (String n : prepared.topology.notes()) err.println("schedlab: note: " + n);
        ObjectNode result;
        if (perfetto == null) {
            result = Runner.run(prepared, null);
        } else {
            Map<String, String> about = new LinkedHashMap<>();
            about.put("generator", "schedlab 0.1.0");
            about.put("topology", spec.topology);
            about.put("policy", spec.policy);
            about.put("workload", spec.workload);
            about.put("params", spec.params.toString());
            about.put("seed", Long.toString(spec.seed));
            about.put("window", window == null ? "all" : window);
            try (PerfettoWriter trace = new PerfettoWriter(perfetto, prepared.topology, win[0], win[1], about)) {
                result = Runner.run(prepared, trace);
                trace.finish(result.get("sim_time_ns").asLong());
            }
        }
        if (json != null) AtomicFiles.write(json, Runner.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n");
        System.out.print(summary(result));
        return 0;
    }

    RunSpec spec() {
        RunSpec s = new RunSpec();
        machine.applyTo(s);
        run.applyTo(s);
        s.policy = policy;
        s.params.putAll(params);
        s.seed = seed;
        s.checkInvariants = check;
        return s;
    }

    static String summary(JsonNode r) {
        StringBuilder sb = new StringBuilder();
        JsonNode c = r.get("config"), m = r.get("metrics"), t = r.get("throughput");
        sb.append(String.format("%s on %s (%d CPUs), policy %s, seed %d%n", c.get("workload").asText(),
                c.get("topology").asText(), c.get("cpus").asInt(), c.get("policy").asText(), c.get("seed").asLong()));
        sb.append(String.format("  simulated %.3f s in %d ms wall, %d events%n", r.get("sim_time_ns").asLong() / 1e9,
                r.get("wall_time_ms").asLong(), r.get("events").asLong()));
        if (Runner.unfinished(r))
            sb.append(String.format("  %-26s unfinished: the run stopped at %s with %d of %d tasks not exited; give a "
                            + "longer --duration%n", t.get("metric").asText() + ":", c.get("duration").asText(),
                    m.get("tasks_live_at_end").asLong(),
                    m.get("tasks_live_at_start").asLong() + m.get("tasks_created").asLong()));
        else
            sb.append(String.format("  %-26s %s %s (%s is better)%n", t.get("metric").asText() + ":",
                    fmt(t.get("value").asDouble()), t.get("unit").asText(), t.get("higher_is_better").asBoolean() ? "higher" : "lower"));
        sb.append(String.format("  tasks %d created, %d exited in the measured window (%d live at its start, %d at its end)%n",
                m.get("tasks_created").asLong(), m.get("tasks_exited").asLong(), m.get("tasks_live_at_start").asLong(),
                m.get("tasks_live_at_end").asLong()));
        sb.append(String.format("  %d context switches; %d wakeups; utilisation %.1f%%%n", m.get("context_switches").asLong(),
                m.get("wakeups").asLong(), 100 * m.get("utilisation").asDouble()));
        for (String k : new String[]{"wakeup_latency_us", "runqueue_wait_us", "response_time_us"}) {
            JsonNode l = m.get(k);
            if (l.get("count").asLong() == 0) continue;
            sb.append(String.format("  %-18s mean %s  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s us%n", k.replace("_us", ""),
                    fmt(l.get("mean").asDouble()), fmt(l.get("p50").asDouble()), fmt(l.get("p90").asDouble()),
                    fmt(l.get("p99").asDouble()), fmt(l.get("p999").asDouble()), fmt(l.get("max").asDouble())));
        }
        sb.append("  migrations:");
        for (Iterator<Map.Entry<String, JsonNode>> it = m.get("migrations").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            sb.append(' ').append(e.getKey()).append('=').append(e.getValue().asLong());
        }
        sb.append(String.format("%n  idle while overloaded: %.3f ms; fairness (Jain) %.4f over %d competing tasks%n",
                m.get("idle_while_overloaded_ns").asLong() / 1e6, m.get("fairness_jain").asDouble(), m.get("fairness_tasks").asInt()));
        if (m.get("balance_overhead_ns").size() > 0) {
            sb.append("  balancing overhead:");
            for (Iterator<Map.Entry<String, JsonNode>> it = m.get("balance_overhead_ns").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                sb.append(String.format(" %s=%.3fms", e.getKey(), e.getValue().asLong() / 1e6));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String fmt(double v) {
        if (v == 0) return "0";
        if (Math.abs(v) >= 1000) return String.format("%.0f", v);
        if (Math.abs(v) >= 10) return String.format("%.1f", v);
        return String.format("%.3f", v);
    }
}
