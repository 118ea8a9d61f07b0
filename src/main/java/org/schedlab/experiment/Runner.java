package org.schedlab.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;
import org.schedlab.InputError;
import org.schedlab.InputFiles;
import org.schedlab.Units;
import org.schedlab.kernel.Machine;
import org.schedlab.kernel.MachineConfig;
import org.schedlab.kernel.RunOutcome;
import org.schedlab.metrics.ScheduleSink;
import org.schedlab.policy.Policies;
import org.schedlab.topology.Topology;
import org.schedlab.topology.TopologySources;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.Workloads;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs one {@link RunSpec} and turns the outcome into the result JSON (documented in docs/results.md).
 * Keys under "metrics" are stable.
 */
public final class Runner {
    public static final ObjectMapper JSON = new ObjectMapper();
    /** The largest result file read back (a timeline of 65536 CPUs is about 40 MiB). */
    public static final long MAX_RESULT_BYTES = 256 * InputFiles.MiB;

    private Runner() {}

    /**
     * A result file's JSON, read within {@link #MAX_RESULT_BYTES}; an {@link InputError} when it is not a regular
     * file or too large, an {@link IOException} when it is not JSON or repeats a key in an object.
     */
    public static JsonNode readResult(Path file) throws IOException {
        try (InputStream in = InputFiles.open(file, "a result", MAX_RESULT_BYTES)) {
            return JSON.reader().with(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).readTree(in);
        } catch (IOException e) {
            InputError limit = InputFiles.limitError(e);
            if (limit != null) throw limit;
            throw e;
        }
    }

    /** The parts of a run resolved from its spec (input errors surface here, before anything runs). */
    public static final class Prepared {
        public final RunSpec spec;
        public final Topology topology;
        public final Policies.Resolved policy;
        public final WorkloadSpec workload;
        public final MachineConfig config;

        Prepared(RunSpec spec, Topology topology, Policies.Resolved policy, WorkloadSpec workload, MachineConfig config) {
            this.spec = spec;
            this.topology = topology;
            this.policy = policy;
            this.workload = workload;
            this.config = config;
        }
    }

    public static Prepared prepare(RunSpec spec) {
        if (spec.durationNs <= 0) throw new InputError("duration must be positive");
        if (spec.durationNs > RunSpec.MAX_DURATION_NS)
            throw new InputError(Units.tooLong(Units.formatDuration(spec.durationNs), RunSpec.MAX_DURATION_NS));
        if (spec.hz != 100 && spec.hz != 250 && spec.hz != 300 && spec.hz != 1000)
            throw new InputError("--hz must be 100, 250, 300 or 1000, got " + spec.hz);
        TopologySources.Options o = new TopologySources.Options();
        o.nodePerPackage = !spec.keepNuma;
        o.capacity = spec.capacity;
        Topology topo = TopologySources.resolve(spec.topology, o);
        Policies.Resolved pol = Policies.resolve(spec.policy);
        WorkloadSpec wl = Workloads.parse(spec.workload, spec.params);
        MachineConfig cfg = new MachineConfig();
        cfg.hz = spec.hz;
        cfg.slice = spec.slice;
        cfg.delayDequeue = spec.delayDequeue;
        cfg.durationNs = spec.durationNs;
        String declared = wl.params.get("duration_s");
        if (spec.durationFromWorkload && declared != null) {
            double secs;
            try {
                secs = Double.parseDouble(declared);
            } catch (NumberFormatException e) {
                secs = -1;
            }
            if (secs * 1e9 > RunSpec.MAX_DURATION_NS)
                throw new InputError(spec.workload + ": its own " + Units.tooLong(declared + "s", RunSpec.MAX_DURATION_NS)
                        + "; give --duration");
            // rt-app's -1 means "until every task ends": bounded here by the longest duration the simulator takes
            cfg.durationNs = secs > 0 ? Math.round(secs * 1e9) : RunSpec.MAX_DURATION_NS;
            if (secs <= 0) wl.endWhenAllExit = true;
        }
        if (spec.warmupNs == RunSpec.WARMUP_STEADY) {
            cfg.warmupNs = warmupFor(steadyWarmupNs(wl, topo), wl, topo, cfg.durationNs);
            if (cfg.durationNs > RunSpec.MAX_DURATION_NS - cfg.warmupNs)
                throw new InputError("the steady warm-up " + Units.formatDuration(cfg.warmupNs) + " and the window "
                        + Units.formatDuration(cfg.durationNs) + " after it: " + Units.tooLong(Units.formatDuration(
                        cfg.warmupNs + cfg.durationNs), RunSpec.MAX_DURATION_NS));
            cfg.durationNs += cfg.warmupNs;
        } else {
            cfg.warmupNs = warmupFor(spec.warmupNs, wl, topo, cfg.durationNs);
        }
        if (cfg.warmupNs >= cfg.durationNs)
            throw new InputError("warm-up " + Units.formatDuration(cfg.warmupNs) + (spec.warmupNs == RunSpec.WARMUP_AUTO
                    || spec.warmupNs < wl.warmupNs ? " (the workload's own)" : "") + " is not shorter than the duration "
                    + Units.formatDuration(cfg.durationNs) + ": nothing would be measured");
        cfg.seed = spec.seed;
        cfg.costs = org.schedlab.cost.CostProfile.resolve(spec.costsLabel());
        if (spec.costScale != 1) cfg.costs = cfg.costs.scaled(spec.costScale);
        cfg.timelineBuckets = spec.timelineBuckets;
        cfg.checkInvariants = spec.checkInvariants;
        cfg.autogroup = spec.autogroup;
        cfg.cfs = spec.cfs;
        cfg.tgLoadRatelimit = spec.tgLoadRatelimit;
        if (spec.launchCpu != RunSpec.LAUNCH_WORKLOAD) {
            if (spec.launchCpu >= topo.nrCpus())
                throw new InputError("--launch-cpu " + spec.launchCpu + ": the machine has CPUs 0-" + (topo.nrCpus() - 1));
            for (org.schedlab.workload.TaskTemplate t : wl.templates) if (t.instances > 0) t.launchCpu = spec.launchCpu;
        }
        return new Prepared(spec, topo, pol, wl, cfg);
    }

    /**
     * The warm-up a run discards. Given explicitly, the larger of it and the workload's own. By default
     * ({@link RunSpec#WARMUP_AUTO}): none for workloads measured to completion (hackbench, spec-rate, kernel-build,
     * stream with a repeat count: their headline is the elapsed time); for steady-state workloads the start-up (the
     * workload's estimate from its fork gaps) plus one balance interval of the slowest level, taken as the top sched
     * domain's min_interval (its span in ms, 256 ms on a 2-socket 128-core machine), at most half the run.
     */
    public static long warmupFor(long given, WorkloadSpec wl, Topology topo, long durationNs) {
        if (given != RunSpec.WARMUP_AUTO) return Math.max(given, wl.warmupNs);
        if (wl.endWhenAllExit) return wl.warmupNs;
        return Math.max(wl.warmupNs, Math.min(wl.startupNs + slowestBalanceIntervalNs(topo), durationNs / 2));
    }

    /**
     * Passes of the slowest balancing level before a throughput run is in steady state: tbench at 1024 clients on
     * epyc-7763-2s (start-up 123 ms, the NUMA level's interval 256 ms) reaches its steady utilisation at 0.4 s on
     * EEVDF; CFS takes until 1.7 s, and set 6a warms up longer (docs/model.md).
     */
    static final int STEADY_BALANCE_PASSES = 3;

    /** The workload's start-up plus {@link #STEADY_BALANCE_PASSES} intervals of the topology's top domain. */
    public static long steadyWarmupNs(WorkloadSpec wl, Topology topo) {
        return wl.startupNs + STEADY_BALANCE_PASSES * slowestBalanceIntervalNs(topo);
    }

    /** The balance interval of the topology's top sched domain (min_interval, its span weight in ms); 0 if none. */
    static long slowestBalanceIntervalNs(Topology topo) {
        org.schedlab.topology.SchedDomain[] top = org.schedlab.topology.SchedDomains.build(topo).of(0);
        return top.length == 0 ? 0 : top[top.length - 1].minIntervalMs * 1_000_000L;
    }

    public static ObjectNode run(RunSpec spec) { return run(prepare(spec), null); }

    /** Whether a result's headline is unfinished: the run stopped before every task exited (docs/results.md). */
    public static boolean unfinished(JsonNode result) {
        return result.path("throughput").path("unfinished").asBoolean(false);
    }

    /** A result's headline value; an {@link IllegalStateException} for an unfinished run, which has none. */
    public static double headlineValue(JsonNode result) {
        JsonNode v = result.path("throughput").path("value");
        if (unfinished(result) || !v.isNumber())
            throw new IllegalStateException("the run of " + result.path("config").path("workload").asText()
                    + " stopped at its duration before every task exited: it has no " + result.path("throughput").path("metric").asText());
        return v.doubleValue();
    }

    public static ObjectNode run(Prepared p, ScheduleSink sink) {
        Machine m = new Machine(p.topology, p.policy.policy, p.policy.options, p.workload, p.config);
        if (sink != null) m.setScheduleSink(sink);
        RunOutcome out = m.run();
        return toJson(p, out);
    }

    static ObjectNode toJson(Prepared p, RunOutcome out) {
        RunSpec s = p.spec;
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", "schedlab-run/1");
        ObjectNode cfg = root.putObject("config");
        cfg.put("topology", s.topology);
        cfg.put("policy", s.policy);
        cfg.put("workload", s.workload);
        ObjectNode params = cfg.putObject("params");
        for (Map.Entry<String, String> e : s.params.entrySet()) params.put(e.getKey(), e.getValue());
        cfg.put("duration", Units.formatDuration(p.config.durationNs));
        cfg.put("warmup_ns", p.config.warmupNs);
        cfg.put("seed", s.seed);
        cfg.put("costs", s.costsLabel());
        if (s.costScale != 1) cfg.put("cost_scale", s.costScale);
        cfg.put("slice", s.slice ? "on" : "off");
        cfg.put("delay_dequeue", s.delayDequeue ? "on" : "off");
        cfg.put("hz", s.hz);
        if (s.launchCpu != RunSpec.LAUNCH_WORKLOAD) cfg.put("launch_cpu", s.launchCpu);
        if (s.autogroup) cfg.put("task_group", "autogroup");
        if (s.cfs) cfg.put("fair", "cfs");
        if (!s.tgLoadRatelimit) cfg.put("tg_load_ratelimit", "off");
        cfg.put("cpus", p.topology.nrCpus());
        root.set("spec", s.canonical());

        long measured = out.simTimeNs - out.measureStart;
        root.put("sim_time_ns", out.simTimeNs);
        root.put("wall_time_ms", out.wallTimeMs);
        root.put("events", out.events);
        ObjectNode mt = root.putObject("metrics");
        mt.put("measured_ns", measured);
        mt.put("tasks_created", out.rec.tasksCreated);
        mt.put("tasks_exited", out.rec.tasksExited);
        mt.put("tasks_live_at_start", out.rec.tasksLiveAtStart);
        mt.put("tasks_live_at_end", out.rec.tasksLiveAtEnd);
        mt.put("context_switches", out.rec.contextSwitches);
        mt.put("wakeups", out.rec.wakeups);
        mt.set("wakeup_latency_us", latency(out.rec.wakeupLatency));
        mt.set("runqueue_wait_us", latency(out.rec.runqueueWait));
        mt.set("response_time_us", latency(out.rec.responseTime));
        mt.put("jobs_completed", out.rec.jobsCompleted);
        mt.put("idle_while_overloaded_ns", out.rec.idleWhileOverloadedNs);
        mt.put("wasted_core_ns", out.rec.wastedCoreNs);
        mt.put("wasted_core_within_llc_ns", out.rec.wastedCoreLlcNs);
        mt.put("wasted_core_within_node_ns", out.rec.wastedCoreNodeNs);
        mt.put("fairness_jain", round(out.fairnessJain(), 6));
        mt.put("fairness_tasks", out.competingTasks());
        ObjectNode mig = mt.putObject("migrations");
        long total = 0;
        for (String level : out.domains.levelNames()) mig.put(level, out.rec.migrations().getOrDefault(level, 0L));
        for (Map.Entry<String, Long> e : out.rec.migrations().entrySet()) {
            if (!mig.has(e.getKey())) mig.put(e.getKey(), e.getValue());
            total += e.getValue();
        }
        mt.put("migrations_total", total);
        ObjectNode refill = mt.putObject("migration_refill_ns");
        for (Map.Entry<String, Long> e : out.rec.migrationRefillNs().entrySet()) refill.put(e.getKey(), e.getValue());
        ObjectNode bo = mt.putObject("balance_overhead_ns");
        long boTotal = 0;
        for (Map.Entry<String, Long> e : out.rec.balanceOverheadNs().entrySet()) {
            bo.put(e.getKey(), e.getValue());
            boTotal += e.getValue();
        }
        mt.put("balance_overhead_total_ns", boTotal);
        ObjectNode counts = mt.putObject("counts");
        for (Map.Entry<String, Long> e : out.rec.counts().entrySet()) counts.put(e.getKey(), e.getValue());
        long busy = 0, idle = 0, ovh = 0;
        for (int c = 0; c < out.busyNs.length; c++) {
            busy += out.busyNs[c];
            idle += out.idleNs[c];
            ovh += out.overheadNs[c];
        }
        ObjectNode cpu = mt.putObject("cpu_time_ns");
        cpu.put("busy", busy);
        cpu.put("idle", idle);
        cpu.put("overhead", ovh);
        mt.put("utilisation", round(busy / (double) Math.max(1, busy + idle + ovh), 6));
        ObjectNode work = mt.putObject("work_ns");
        work.put("demanded", Math.round(out.workDemanded));
        work.put("refill", Math.round(out.refillDemanded));
        work.put("executed", Math.round(out.workExecuted));
        work.put("pending", Math.round(out.workPending));
        ObjectNode marks = mt.putObject("marks");
        for (int i = 0; i < p.workload.marks.size(); i++) {
            ObjectNode mk = marks.putObject(p.workload.marks.get(i));
            mk.put("count", out.rec.markCount[i]);
            mk.put("per_s", round(out.rec.markCount[i] * 1e9 / Math.max(1, measured), 3));
            mk.set("latency_us", latency(out.rec.markLatency.get(i)));
        }
        root.set("throughput", headline(p.workload, out, measured));
        if (out.rec.timeline != null) root.set("timeline", timeline(p.topology, out));
        return root;
    }

    private static ObjectNode headline(WorkloadSpec wl, RunOutcome out, long measured) {
        ObjectNode h = JSON.createObjectNode();
        WorkloadSpec.Headline hd = wl.headline;
        if (hd == null) {
            h.put("metric", "context_switches_per_s");
            h.put("unit", "1/s");
            h.put("higher_is_better", true);
            h.put("value", round(out.rec.contextSwitches * 1e9 / Math.max(1, measured), 3));
            return h;
        }
        double v;
        switch (hd.kind) {
            case COMPLETION_TIME: v = out.simTimeNs * hd.scale; break;
            case RATE: v = out.rec.markCount[hd.mark] * 1e9 / Math.max(1, measured) * hd.scale; break;
            case LATENCY_P99: v = out.rec.markLatency.get(hd.mark).getValueAtPercentile(99) * hd.scale; break;
            case LATENCY_MEAN: v = out.rec.markSumNs[hd.mark] / Math.max(1, out.rec.markIntervals[hd.mark]) * hd.scale; break;
            case WORK_RATE: v = out.workExecuted / Math.max(1, measured) * hd.scale; break;
            case RESPONSE_MEAN: v = out.rec.responseTime.getMean() * hd.scale; break;
            default: throw new IllegalStateException(hd.kind.toString());
        }
        h.put("metric", hd.metric);
        h.put("unit", hd.unit);
        h.put("higher_is_better", hd.higherIsBetter);
        if (wl.measuredToCompletion() && !out.allExited) {
            // stopped by its duration (or stuck) before every task exited: there is no such number
            h.putNull("value");
            h.put("unfinished", true);
            return h;
        }
        h.put("value", round(v, 6));
        return h;
    }

    /** Percentiles at which latency CDFs are sampled: dense in the tail. */
    private static final double[] CDF_POINTS = {1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 85, 90, 92.5, 95, 97, 98, 99,
            99.5, 99.8, 99.9, 99.95, 99.99, 100};

    private static ObjectNode latency(Histogram h) {
        ObjectNode o = JSON.createObjectNode();
        o.put("count", h.getTotalCount());
        if (h.getTotalCount() == 0) {
            for (String k : new String[]{"mean", "p50", "p90", "p99", "p999", "max"}) o.put(k, 0.0);
            o.putArray("cdf");
            return o;
        }
        o.put("mean", round(h.getMean() / 1e3, 3));
        o.put("p50", round(h.getValueAtPercentile(50) / 1e3, 3));
        o.put("p90", round(h.getValueAtPercentile(90) / 1e3, 3));
        o.put("p99", round(h.getValueAtPercentile(99) / 1e3, 3));
        o.put("p999", round(h.getValueAtPercentile(99.9) / 1e3, 3));
        o.put("max", round(h.getMaxValue() / 1e3, 3));
        ArrayNode cdf = o.putArray("cdf");
        for (double q : CDF_POINTS) {
            ArrayNode pt = cdf.addArray();
            pt.add(round(h.getValueAtPercentile(q) / 1e3, 3));
            pt.add(q / 100);
        }
        return o;
    }

    private static ObjectNode timeline(Topology t, RunOutcome out) {
        ObjectNode tl = JSON.createObjectNode();
        double[][] u = out.rec.timeline.utilisation(out.simTimeNs);
        tl.put("bucket_ns", out.rec.timeline.bucketNs());
        tl.put("start_ns", out.rec.timeline.start());
        ArrayNode llc = tl.putArray("llc_of"), node = tl.putArray("node_of"), pkg = tl.putArray("package_of");
        for (int c = 0; c < t.nrCpus(); c++) {
            llc.add(t.llcOf(c));
            node.add(t.nodeOf(c));
            pkg.add(t.packageOf(c));
        }
        ArrayNode rows = tl.putArray("utilisation");
        for (double[] row : u) {
            ArrayNode r = rows.addArray();
            for (double x : row) r.add(round(x, 2));
        }
        return tl;
    }

    public static double round(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return 0;
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
