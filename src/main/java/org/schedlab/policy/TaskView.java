package org.schedlab.policy;

import org.schedlab.topology.CpuSet;

/** What a policy may read about a task. */
public interface TaskView {
    int pid();
    String comm();
    /** CPU the task is queued or running on, or last ran on when blocked. */
    int cpu();
    int nice();
    int weight();
    boolean canRunOn(int cpu);
    /** Allowed CPUs; never modify. */
    CpuSet allowedCpus();
    int nrCpusAllowed();
    boolean isRunning();
    /** Queued on a runqueue (runnable, not running). */
    boolean isQueued();
    /** PELT signals, brought up to date on read. */
    double utilAvg();
    double loadAvg();
    double runnableAvg();
    /** task_util_est: the larger of util_avg and the estimate kept across sleeps (util_est). */
    double utilEst();
    /** When the task last started running ({@code exec_start}); 0 if never. */
    long lastRanNs();
    long workingSetBytes();
    /** wake_wide statistics ({@code wakee_flips}) after decay to now. */
    int wakeeFlips();
    /** {@code recent_used_cpu}, or -1. */
    int recentUsedCpu();
    void setRecentUsedCpu(int cpu);
    /** Scratch slot a policy may use (e.g. its own list links); the kernel never reads it. */
    Object policyData();
    void setPolicyData(Object o);
}
