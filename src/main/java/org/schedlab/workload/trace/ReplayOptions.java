package org.schedlab.workload.trace;

import java.util.regex.Pattern;

/** How {@link TraceReplay} turns a {@link TraceModel} into a workload. The defaults replay every task 1:1. */
public final class ReplayOptions {
    /** How a recorded task-to-task wakeup is replayed. */
    public enum WakeMode {
        /**
         * One counting channel per wake edge: the waker signals it, the wakee waits on it. Each blocking point waits
         * for exactly the wakeup that ended it in the trace, however early or late the waker gets there.
         */
        EDGE_CHANNELS,
        /**
         * {@link org.schedlab.workload.Op.Resume} of the wakee's template and {@link org.schedlab.workload.Op.Suspend}
         * in the wakee. The latch holds one early resume only: if a waker gets two wakeups ahead of the wakee the
         * second is lost and the wakee may wait for ever.
         */
        SUSPEND_RESUME
    }

    public WakeMode wakeMode = WakeMode.EDGE_CHANNELS;
    /** Tasks whose comm matches are left out (their wakeups become timed sleeps of the wakees); null keeps all. */
    public Pattern excludeComm;
    /**
     * Capacity (of 1024) of each CPU of the recording machine, to turn CPU time into reference work; null or a
     * missing entry means 1024 (1:1).
     */
    public int[] cpuCapacity;
    /** Take nice from the trace's {@code prio} (100..139 → -20..19); otherwise every task runs at nice 0. */
    public boolean niceFromPrio = true;

    /**
     * Replay each recorded preemption (a switch-out while still runnable) as a yield: the task hands its CPU to
     * whatever else is queued there, as it did on the recording machine, and runs on if nothing is.
     */
    public boolean yieldAtPreemptions = true;

    /**
     * Keep every recorded sleep that a replayed task's wakeup ended: when the replayed waker gets to the wakeup
     * before the wakee gets to its sleep, the wakee still sleeps there and that wakeup ends the sleep at once.
     * Otherwise such a wakee runs on without sleeping.
     */
    public boolean keepSleeps = true;

    public static ReplayOptions defaults() { return new ReplayOptions(); }
}
