package org.schedlab.topology;

/**
 * One scheduling group of a domain: the span of a child domain. Groups of non-NUMA levels are shared by every
 * CPU of the domain; NUMA levels build overlapping groups, each with the balance mask of CPUs for which it is
 * their own child domain.
 */
public final class SchedGroup {
    public final CpuSet span;
    public final CpuSet balanceMask;
    public final int weight;
    /** Number of distinct cores in the span. */
    public final int cores;
    /** Sum of member CPU capacities. */
    public final int capacity;
    /** Flags of the child domain the group was built from ({@code sg->flags}). */
    public final int flags;
    /** {@code sg->asym_prefer_cpu}: the group's CPU of highest asym priority (the first one on ties). */
    public final int asymPreferCpu;
    /** This group's number among the machine's distinct groups, 0 up, in the order they were built. */
    public final int id;

    SchedGroup(int id, CpuSet span, int weight, CpuSet balanceMask, int cores, int capacity, int flags,
               int asymPreferCpu) {
        this.id = id;
        this.span = span;
        this.balanceMask = balanceMask;
        this.weight = weight;
        this.cores = cores;
        this.capacity = capacity;
        this.flags = flags;
        this.asymPreferCpu = asymPreferCpu;
    }

    /** {@code group_balance_cpu}: first CPU of the balance mask. */
    public int balanceCpu() { return balanceMask.first(); }

    @Override public String toString() { return span.toString(); }
}
