package org.schedlab.policy;

/**
 * A load-balancing policy, in the spirit of sched_ext's callbacks. The kernel calls these hooks; a policy acts
 * only through the {@link SchedContext} it received in {@link #init}, which charges every action to the CPU
 * that performs it. Hooks run at one instant of simulated time and must be deterministic.
 */
public interface SchedPolicy {
    /** {@link #selectTaskRq} result: the policy keeps the task in its own queue and dispatches it later. */
    int DEFER = -1;

    /** Name as given on the command line, with its options. */
    String name();

    /** The options this policy reads; anything else the user writes is refused before the run. */
    default java.util.List<PolicyOption> options() { return java.util.List.of(); }

    void init(SchedContext ctx);

    /**
     * select_task_rq: the CPU a waking, forked or exec'ing task should run on. {@code wakerCpu} is the CPU doing
     * the wakeup (for fork, the parent's CPU); {@code wakeFlags} are {@link WakeFlags}. Must return an allowed CPU
     * or {@link #DEFER}.
     */
    int selectTaskRq(TaskView p, int prevCpu, int wakerCpu, int wakeFlags);

    /** The task was added to {@code cpu}'s runqueue; {@code flags} are {@link EnqueueFlags}. */
    default void enqueue(int cpu, TaskView p, int flags) {}

    /** The task left {@code cpu}'s runqueue (sleep, migration or exit); {@code flags} are {@link DequeueFlags}. */
    default void dequeue(int cpu, TaskView p, int flags) {}

    /** The task became current on {@code cpu}. */
    default void running(int cpu, TaskView p) {}

    /** The task stopped being current; {@code runnable} if it was preempted rather than blocked. */
    default void stopping(int cpu, TaskView p, boolean runnable) {}

    /** Scheduler tick on {@code cpu} ({@code idle}: no task was running). */
    default void tick(int cpu, boolean idle) {}

    /** {@code cpu} has no task left to run and is about to go idle; the policy may pull work now. */
    default void newidle(int cpu) {}

    /** After a context switch to another task on {@code cpu} (balance callbacks queued by set_next_task). */
    default void balanceCallback(int cpu) {}

    /**
     * The stopper that {@link SchedContext#stopperMove} started on {@code src} has run: {@code moved} tells whether
     * it moved a task to {@code dst} (active_load_balance_cpu_stop).
     */
    default void activeBalanceDone(int src, int dst, boolean moved) {}

    /** {@code cpu} stopped its tick while idle (nohz idle entry). */
    default void tickStopped(int cpu) {}

    /** {@code cpu} left idle after having stopped its tick. */
    default void tickRestarted(int cpu) {}

    /** The task exited. */
    default void taskDead(TaskView p) {}
}
