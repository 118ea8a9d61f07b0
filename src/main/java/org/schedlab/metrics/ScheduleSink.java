package org.schedlab.metrics;

/** Receives the simulated schedule as it happens (for trace export). Implementations only record. */
public interface ScheduleSink {
    /** {@code cpu} starts running task {@code pid} ({@code pid} 0 = idle). */
    void switchTo(long t, int cpu, int pid, String comm);

    /** A task moved between runqueues; {@code kind} is "wakeup", "fork" or the balancer kind. */
    void migrate(long t, int pid, String comm, int from, int to, String kind);

    /** Runqueue length of {@code cpu} changed. */
    void nrRunning(long t, int cpu, int n);

    /** Kernel time charged to {@code cpu} for {@code kind}. */
    void overhead(long t, int cpu, String kind, long ns);

    void taskName(int pid, int tgid, String comm);

    /** A new task is placed on {@code cpu} by fork balancing (the sched_wakeup_new tracepoint's target_cpu). */
    default void wakeupNew(long t, int pid, String comm, int cpu) {}
}
