package org.schedlab.policy;

/** The {@code flags} of {@link SchedPolicy#enqueue} ({@code ENQUEUE_*} in kernel/sched/sched.h), as a bit set. */
public final class EnqueueFlags {
    /** The task woke up (also a delayed-dequeue task requeued by its wakeup). */
    public static final int ENQUEUE_WAKEUP = 1;
    /** The task arrives from another CPU's runqueue (load balancing, push, active balance). */
    public static final int ENQUEUE_MIGRATED = 2;
    /** A new task's first enqueue (wake_up_new_task). */
    public static final int ENQUEUE_INITIAL = 4;

    private EnqueueFlags() {}

    public static boolean has(int flags, int flag) { return (flags & flag) != 0; }
}
