package org.schedlab.experiment;

import java.util.LinkedHashMap;
import java.util.Map;

/** Everything that defines one run; two equal specs produce identical results. */
public final class RunSpec {
    public String topology;
    public String policy;
    public String workload;
    /** Extra workload parameters (from --param or a sweep's params), merged over the workload spec. */
    public Map<String, String> params = new LinkedHashMap<>();
    public long durationNs = 1_000_000_000L;
    /** The longest simulated duration of a run, whichever way it is given (option, sweep, study, rt-app file). */
    public static final long MAX_DURATION_NS = 3_600_000_000_000L;
    /** Take the duration from the workload when it declares one (rt-app's global.duration), else durationNs. */
    public boolean durationFromWorkload;
    /**
     * Statistics before this time are discarded; {@link #WARMUP_AUTO}: the default of {@link Runner#warmupFor};
     * {@link #WARMUP_STEADY}: {@link Runner#steadyWarmupNs}, and {@link #durationNs} is the window measured after it.
     */
    public long warmupNs = WARMUP_AUTO;
    public static final long WARMUP_AUTO = -1;
    public static final long WARMUP_STEADY = -2;

    /** {@code auto}, {@code steady} or a duration, as {@code --warmup} and the study and sweep files take it. */
    public static long parseWarmup(String what, String text) {
        String t = text.trim();
        if (t.equals("auto")) return WARMUP_AUTO;
        if (t.equals("steady")) return WARMUP_STEADY;
        if (t.isEmpty() || Character.isLetter(t.charAt(0)))
            throw new org.schedlab.InputError(what + ": '" + t + "' is not auto, steady or a duration such as 500ms");
        return parseDuration(what, t);
    }
    public long seed = 1;
    public boolean costs = true;
    /** Factor on every cost constant ({@link org.schedlab.cost.CostModel#scaled}); 1 = the profile as it is. */
    public double costScale = 1;
    /** Cost profile file used when {@link #costs} is on; null for the built-in default. */
    public String costProfile;
    public boolean slice = true;
    public boolean delayDequeue;
    public int hz = 250;
    public boolean keepNuma;
    /** {@code --capacity CPULIST=VALUE,...} overriding the topology's CPU performance, or null. */
    public String capacity;
    public int timelineBuckets = 100;
    public boolean checkInvariants;
    /**
     * The CPU the benchmark's first processes are started from (the shell's CPU), as {@code --launch-cpu} gives it;
     * {@link #LAUNCH_WORKLOAD}: the workload's own (CPU 0 unless it says otherwise, as STREAM's {@code from=} does).
     */
    public int launchCpu = LAUNCH_WORKLOAD;
    public static final int LAUNCH_WORKLOAD = -1;
    /** The workload runs in an autogroup of its own instead of the root task group ({@code --task-group}). */
    public boolean autogroup;
    /** The fair class of 5.19 (CFS) instead of EEVDF ({@code --fair cfs}). */
    public boolean cfs;
    /** update_tg_load_avg's once-per-ms limit of 6.7+ ({@code --tg-load-ratelimit}). */
    public boolean tgLoadRatelimit = true;

    /** A run of {@code workload} under {@code policy} on {@code topology}; every other field at its default. */
    public static RunSpec of(String topology, String policy, String workload, long durationNs, long seed) {
        RunSpec s = new RunSpec();
        s.topology = topology;
        s.policy = policy;
        s.workload = workload;
        s.durationNs = durationNs;
        s.seed = seed;
        return s;
    }

    /** A run of {@code workload} until every task has exited (its own duration), every other field at its default. */
    public static RunSpec toCompletion(String topology, String policy, String workload) {
        RunSpec s = new RunSpec();
        s.topology = topology;
        s.policy = policy;
        s.workload = workload;
        s.durationFromWorkload = true;
        return s;
    }

    /** A run's duration or warm-up as text ("500ms"), refused beyond {@link #MAX_DURATION_NS}. */
    public static long parseDuration(String what, String text) {
        return org.schedlab.Units.parseDuration(what, text, MAX_DURATION_NS);
    }

    /**
     * The spec as a JSON object with a fixed key order and params sorted by key: equal specs give equal text, and
     * two runs with equal objects are twins (the same run). Files the run reads are identified by content as well
     * as by name: the SHA-256 of an hwloc topology file ({@code topology_sha256}), of an rt-app or trace file
     * ({@code workload_sha256}) and of the cost profile ({@code costs_sha256}; the built-in profile's text for
     * {@code default}, absent for {@code none}). A sysfs directory or {@code host} is identified by name only.
     */
    public com.fasterxml.jackson.databind.node.ObjectNode canonical() {
        com.fasterxml.jackson.databind.node.ObjectNode o = Runner.JSON.createObjectNode();
        o.put("topology", topology);
        String topologyFile = regularFile(topology);
        if (topologyFile != null)
            o.put("topology_sha256", org.schedlab.InputFiles.sha256(java.nio.file.Path.of(topologyFile), "an hwloc XML file",
                    org.schedlab.topology.HwlocReader.MAX_BYTES));
        o.put("policy", policy);
        o.put("workload", workload);
        String workloadFile = regularFile(org.schedlab.workload.Workloads.inputFile(workload));
        if (workloadFile != null)
            o.put("workload_sha256", org.schedlab.InputFiles.sha256(java.nio.file.Path.of(workloadFile), "a workload file",
                    Math.max(org.schedlab.workload.trace.TraceReader.MAX_BYTES, org.schedlab.workload.rtapp.RtAppReader.MAX_BYTES)));
        com.fasterxml.jackson.databind.node.ObjectNode p = o.putObject("params");
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(params).entrySet()) p.put(e.getKey(), e.getValue());
        o.put("duration_ns", durationNs);
        o.put("duration_from_workload", durationFromWorkload);
        o.put("warmup_ns", warmupNs);
        o.put("seed", seed);
        o.put("costs", costsLabel());
        if (costs)
            o.put("costs_sha256", costProfile == null ? org.schedlab.cost.CostProfile.builtinSha256()
                    : org.schedlab.cost.CostProfile.sha256(java.nio.file.Path.of(costProfile)));
        o.put("cost_scale", costScale);
        o.put("slice", slice ? "on" : "off");
        o.put("delay_dequeue", delayDequeue ? "on" : "off");
        o.put("hz", hz);
        o.put("keep_numa", keepNuma);
        if (capacity != null) o.put("capacity", capacity);
        else o.putNull("capacity");
        o.put("timeline_buckets", timelineBuckets);
        o.put("check_invariants", checkInvariants);
        if (launchCpu != LAUNCH_WORKLOAD) o.put("launch_cpu", launchCpu);
        if (autogroup) o.put("task_group", "autogroup");
        if (cfs) o.put("fair", "cfs");
        if (!tgLoadRatelimit) o.put("tg_load_ratelimit", "off");
        return o;
    }

    /** {@code path} when it names a regular file, else null (a preset, a directory, nothing). */
    private static String regularFile(String path) {
        if (path == null) return null;
        try {
            return java.nio.file.Files.isRegularFile(java.nio.file.Path.of(path)) ? path : null;
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    /** {@code default}, {@code none} or the profile file: how results name the costs. */
    public String costsLabel() {
        return !costs ? "none" : costProfile == null ? "default" : costProfile;
    }

    public RunSpec copy() {
        RunSpec r = new RunSpec();
        r.topology = topology;
        r.policy = policy;
        r.workload = workload;
        r.params = new LinkedHashMap<>(params);
        r.durationNs = durationNs;
        r.durationFromWorkload = durationFromWorkload;
        r.warmupNs = warmupNs;
        r.seed = seed;
        r.costs = costs;
        r.costScale = costScale;
        r.costProfile = costProfile;
        r.slice = slice;
        r.delayDequeue = delayDequeue;
        r.hz = hz;
        r.keepNuma = keepNuma;
        r.capacity = capacity;
        r.timelineBuckets = timelineBuckets;
        r.checkInvariants = checkInvariants;
        r.launchCpu = launchCpu;
        r.autogroup = autogroup;
        r.cfs = cfs;
        r.tgLoadRatelimit = tgLoadRatelimit;
        return r;
    }
}
