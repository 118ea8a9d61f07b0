package org.schedlab.policy;

/** The {@code wake_flags} select_task_rq receives ({@code WF_*} in kernel/sched/sched.h), as a bit set. */
public final class WakeFlags {
    /** A wakeup of a sleeping task (try_to_wake_up). */
    public static final int WF_TTWU = 1;
    /** A new task (wake_up_new_task after fork). */
    public static final int WF_FORK = 2;
    /** A task calling exec (sched_exec). */
    public static final int WF_EXEC = 4;
    /** The waker is about to sleep (a synchronous wakeup, e.g. a pipe write followed by a read). */
    public static final int WF_SYNC = 8;
    /** Wake the task onto the waker's CPU when it may run there (WF_CURRENT_CPU). */
    public static final int WF_CURRENT_CPU = 16;

    private WakeFlags() {}

    public static boolean has(int flags, int flag) { return (flags & flag) != 0; }
}
