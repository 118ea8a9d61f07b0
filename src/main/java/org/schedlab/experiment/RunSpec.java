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
    /** Statistics before this time are discarded; {@link #WARMUP_AUTO}: the default of {@link Runner#warmupFor}. */
    public long warmupNs = WARMUP_AUTO;
    public static final long WARMUP_AUTO = -1;
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

    /** A run's duration or warm-up as text ("500ms"), refused beyond {@link #MAX_DURATION_NS}. */
    public static long parseDuration(String what, String text) {
        return org.schedlab.Units.parseDuration(what, text, MAX_DURATION_NS);
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
        return r;
    }
}
