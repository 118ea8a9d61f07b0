package org.schedlab.kernel;

/** The kernel's nice-to-weight table (sched_prio_to_weight); nice 0 = 1024, each step ≈ ×1.25. */
public final class Weights {
    private static final int[] PRIO_TO_WEIGHT = {
            88761, 71755, 56483, 46273, 36291,
            29154, 23254, 18705, 14949, 11916,
            9548, 7620, 6100, 4904, 3906,
            3121, 2501, 1991, 1586, 1277,
            1024, 820, 655, 526, 423,
            335, 272, 215, 172, 137,
            110, 87, 70, 56, 45,
            36, 29, 23, 18, 15,
    };
    public static final int NICE_0_LOAD = 1024;

    private Weights() {}

    public static int ofNice(int nice) {
        if (nice < -20 || nice > 19) throw new IllegalArgumentException("nice " + nice + " outside -20..19");
        return PRIO_TO_WEIGHT[nice + 20];
    }
}
