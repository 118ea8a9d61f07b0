package org.schedlab.policy;

/** The {@code flags} of {@link SchedPolicy#dequeue} ({@code DEQUEUE_*} in kernel/sched/sched.h), as a bit set. */
public final class DequeueFlags {
    /** The task blocks (or exits). */
    public static final int DEQUEUE_SLEEP = 1;
    /** The task leaves for another CPU's runqueue. */
    public static final int DEQUEUE_MIGRATE = 2;

    private DequeueFlags() {}

    public static boolean has(int flags, int flag) { return (flags & flag) != 0; }
}
