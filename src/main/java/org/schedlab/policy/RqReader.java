package org.schedlab.policy;

import org.schedlab.topology.CpuSet;
import org.schedlab.topology.SchedGroup;

/**
 * Reads of runqueue statistics and task lists, charged by the context to the CPU that reads. One reader is one
 * pass of one CPU (obtain it with {@link SchedContext#reader} where the pass starts): the first read of a runqueue
 * in the pass costs one stat gather from that CPU — a transfer of its lines across the topology, or a cache hit
 * when they did not change since this CPU last read them — and further reads of it in the same pass are free.
 * Taking a runqueue's lock through the reader charges the lock and makes its lines read.
 */
public interface RqReader {
    /** The CPU that reads (and pays). */
    int actingCpu();

    /** cpu_load: cfs_rq->avg.load_avg as last updated (update_load_avg, blocked-average updates). */
    long load(int cpu);

    /** cpu_util_cfs: util_avg (and util_est) as last updated, capped at capacity. */
    long util(int cpu);

    /** cpu_runnable: cfs_rq->avg.runnable_avg as last updated. */
    long runnable(int cpu);

    /**
     * Adds up the runqueues of {@code group}'s CPUs that are in {@code within} (all of them when null) into
     * {@code out}, as a pass reading each of them with {@link #load}, {@link #util} and {@link #runnable} would,
     * and charges the same: each runqueue's first read in this pass.
     */
    void sum(SchedGroup group, CpuSet within, RqSums out);

    /** Tasks on the runqueue in cfs_tasks order, the running one included. */
    int taskCount(int cpu);

    /** The task at {@code indexFromTail} of cfs_tasks (0 = least recently run). */
    TaskView task(int cpu, int indexFromTail);

    /** Takes {@code cpu}'s runqueue lock from the acting CPU (charged every time); its lines count as read. */
    void lock(int cpu);

    /**
     * The pass is over: the reader is not used again, and the context may hand its bookkeeping to the next pass.
     * Optional (a reader left open costs only its own bookkeeping).
     */
    default void done() {}
}
