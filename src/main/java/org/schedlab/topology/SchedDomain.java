package org.schedlab.topology;

/**
 * One CPU's sched domain at one level, with the kernel's default parameters for its flags and span.
 * Immutable: balancing state (last_balance, balance_interval, nr_balance_failed, ...) is kept by the policy.
 */
public final class SchedDomain {
    public static final int SD_BALANCE_NEWIDLE = 1 << 0;
    public static final int SD_BALANCE_EXEC = 1 << 1;
    public static final int SD_BALANCE_FORK = 1 << 2;
    public static final int SD_BALANCE_WAKE = 1 << 3;
    public static final int SD_WAKE_AFFINE = 1 << 4;
    public static final int SD_ASYM_CPUCAPACITY = 1 << 5;
    public static final int SD_ASYM_CPUCAPACITY_FULL = 1 << 6;
    public static final int SD_SHARE_CPUCAPACITY = 1 << 7;
    public static final int SD_CLUSTER = 1 << 8;
    public static final int SD_SHARE_LLC = 1 << 9;
    public static final int SD_SERIALIZE = 1 << 10;
    public static final int SD_ASYM_PACKING = 1 << 11;
    public static final int SD_PREFER_SIBLING = 1 << 12;
    public static final int SD_NUMA = 1 << 13;

    /** Flags that only mean something when the domain has two or more groups. */
    public static final int SD_DEGENERATE_GROUPS_MASK = SD_BALANCE_NEWIDLE | SD_BALANCE_EXEC | SD_BALANCE_FORK
            | SD_BALANCE_WAKE | SD_ASYM_CPUCAPACITY | SD_ASYM_CPUCAPACITY_FULL | SD_SHARE_CPUCAPACITY | SD_CLUSTER
            | SD_SHARE_LLC | SD_SERIALIZE | SD_ASYM_PACKING | SD_PREFER_SIBLING | SD_NUMA;

    public final String name;
    public final int cpu;
    /** Position in this CPU's hierarchy after degeneration, 0 = lowest. */
    public final int level;
    public final CpuSet span;
    public final int spanWeight;
    /**
     * The groups as the kernel's ring (sd->groups, sg->next), shared by every CPU that meets them in the same cyclic
     * order; this CPU's walk starts at {@link #first}, its local group.
     */
    private final SchedGroup[] ring;
    private final int first;
    public final int flags;
    public final int imbalancePct;
    public final int cacheNiceTries;
    public final int busyFactor;
    public final int minIntervalMs;
    public final int maxIntervalMs;
    /** Allowed NUMA imbalance in tasks (0 below the first non-LLC level). */
    public final int imbNumaNr;
    /** For NUMA levels the SLIT distance defining the span, else 0. */
    public final int numaDistance;
    /** Every group's span lies inside {@link #span} (overlapping NUMA groups may reach beyond it). */
    private final boolean groupsInsideSpan;
    /**
     * Whether the local group is the only group holding {@link #cpu} (overlapping NUMA groups may hold it too): 1 yes,
     * 0 no, -1 not worked out yet (on first use: a walk over the groups, which would make building every CPU's
     * domains quadratic in the groups).
     */
    private byte onlyLocalHoldsCpu = -1;
    SchedDomain parent, child;

    SchedDomain(String name, int cpu, int level, CpuSet span, int spanWeight, SchedGroup[] ring, int first, int flags,
                int imbalancePct, int cacheNiceTries, int imbNumaNr, int numaDistance) {
        this.name = name;
        this.cpu = cpu;
        this.level = level;
        this.span = span;
        this.spanWeight = spanWeight;
        this.ring = ring;
        this.first = first;
        this.flags = flags;
        this.imbalancePct = imbalancePct;
        this.cacheNiceTries = cacheNiceTries;
        this.busyFactor = 16;
        this.minIntervalMs = spanWeight;
        this.maxIntervalMs = 2 * spanWeight;
        this.imbNumaNr = imbNumaNr;
        this.numaDistance = numaDistance;
        boolean inside = true;
        for (SchedGroup g : ring) inside &= span.containsAll(g.span);
        this.groupsInsideSpan = inside;
    }

    /** Whether {@link #group}(i) holds this domain's CPU; without reading the group's span when only the local one can. */
    public boolean groupHoldsCpu(int i) {
        if (onlyLocalHoldsCpu < 0) {
            boolean only = ring[first].span.get(cpu);
            for (int k = 0; k < ring.length && only; k++) if (k != first && ring[k].span.get(cpu)) only = false;
            onlyLocalHoldsCpu = (byte) (only ? 1 : 0);
        }
        if (onlyLocalHoldsCpu == 1) return i == 0;
        return group(i).span.get(cpu);
    }

    /** Every group's CPUs are CPUs of this domain. */
    public boolean groupsInsideSpan() { return groupsInsideSpan; }

    public SchedDomain parent() { return parent; }
    public SchedDomain child() { return child; }
    public boolean has(int flag) { return (flags & flag) != 0; }
    public SchedGroup localGroup() { return ring[first]; }

    public int nrGroups() { return ring.length; }

    /**
     * The {@code i}-th group (0 &lt;= i &lt; {@link #nrGroups()}) following sg->next from the local group: the groups
     * in the order their first CPU is met walking the span from {@link #cpu}, wrapping.
     */
    public SchedGroup group(int i) {
        int k = first + i;
        return ring[k < ring.length ? k : k - ring.length];
    }

    public static String flagNames(int flags) {
        String[] names = {"BALANCE_NEWIDLE", "BALANCE_EXEC", "BALANCE_FORK", "BALANCE_WAKE", "WAKE_AFFINE",
                "ASYM_CPUCAPACITY", "ASYM_CPUCAPACITY_FULL", "SHARE_CPUCAPACITY", "CLUSTER", "SHARE_LLC",
                "SERIALIZE", "ASYM_PACKING", "PREFER_SIBLING", "NUMA"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.length; i++)
            if ((flags & (1 << i)) != 0) {
                if (sb.length() > 0) sb.append(' ');
                sb.append(names[i]);
            }
        return sb.toString();
    }

    @Override public String toString() { return name + "{cpu=" + cpu + ", span=" + span + ", groups=" + ring.length + "}"; }
}
