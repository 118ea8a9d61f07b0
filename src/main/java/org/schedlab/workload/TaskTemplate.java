package org.schedlab.workload;

import org.schedlab.topology.CpuSet;

/** A kind of task in a workload: its name, program and attributes, and how many start at time zero. */
public final class TaskTemplate {
    /**
     * Memory bandwidth the reference core draws alone, in bytes per ns (GB/s), in which memory-bound work is
     * expressed: 21.4, STREAM's four kernels' bytes over their times with 8 threads, one per CCX, 4 per socket, on
     * 2 × 64-core Zen 3 (published set 5b, f5b2eeb49991 v7: 8 threads could not saturate a socket).
     */
    public static final double CORE_MEMORY_BYTES_PER_NS = 21.4;

    public final String comm;
    public final Op[] program;
    public int nice;
    /** Allowed CPUs; null means every CPU of the machine. */
    public CpuSet allowed;
    /** Working set for cache-refill costs after migration. */
    public long workingSetBytes = 256 << 10;
    /**
     * Fraction of the task's work limited by memory bandwidth (0 = pure CPU work). Memory-bound work slows down
     * when the tasks running in one LLC or one NUMA node together ask for more bandwidth than it has.
     */
    public double memoryBound;
    /** Instances created at start (0 for tasks that only appear through fork or arrivals). */
    public int instances;
    /** Delay before the initial instances are created. */
    public long startDelayNs;
    /** CPU of the process that starts the initial instances (they are forked from there). */
    public int launchCpu;
    /**
     * Every task of this template is a process of its own: switching a CPU to it from another address space
     * costs the profile's {@code mmSwitchNs}. Otherwise its address space is not modelled (no such cost).
     */
    public boolean ownAddressSpace;
    /**
     * A task of another program sharing the machine (the host's background load): it runs and is balanced like any
     * other, but a run that ends when every task has exited does not wait for it.
     */
    public boolean background;

    public TaskTemplate(String comm, Op[] program, int instances) {
        this.comm = comm;
        this.program = program;
        this.instances = instances;
        ProgramCheck.check(comm, program);
    }

    @Override public String toString() { return comm + " x" + instances; }
}
