package org.schedlab.policy;

/** The capacity comparisons of kernel/sched/fair.c, shared by the kernel model and the policies. */
public final class Capacity {
    private Capacity() {}

    /** fits_capacity: {@code util} fits {@code capacity} with the kernel's 20% margin. */
    public static boolean fits(double util, int capacity) { return util * 1280 < capacity * 1024.0; }

    /** capacity_greater: {@code a} is more than about 5% above {@code b}. */
    public static boolean greater(double a, double b) { return a * 1024 > b * 1078; }
}
