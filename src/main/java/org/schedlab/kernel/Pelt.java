package org.schedlab.kernel;

/**
 * Per-entity load tracking in its continuous form: over an interval in which the state is constant each
 * signal moves as {@code x ← x·y^(Δ/P) + scale·(1 − y^(Δ/P))·state}, with P = 1024·1024 ns and y^32 = 1/2.
 * Signals are brought up to date lazily, when the state changes and, for a task, when read; what the scheduler
 * reads of a runqueue changes only where the kernel updates it (LoadTracking).
 * Deviation: the kernel accrues in whole 1024-µs periods; the continuous form has the same fixed points and
 * half-life without the per-period ripple.
 */
public final class Pelt {
    public static final long PERIOD_NS = 1024L * 1024L;
    /** ln(y) per nanosecond, with y^32 = 1/2 per period. */
    private static final double LN_Y_PER_NS = Math.log(0.5) / (32.0 * PERIOD_NS);

    long lastUpdate;
    double util, runnable, load;

    Pelt(long now) { this.lastUpdate = now; }

    /**
     * Advances to {@code now}, assuming that since the last update the entity was running
     * ({@code running}), had {@code nrRunnable} runnable members and {@code weight} of runnable load.
     */
    void update(long now, boolean running, int nrRunnable, long weight) {
        update(now, running, nrRunnable, weight, null);
    }

    /** As {@link #update(long, boolean, int, long)}, taking y^(Δ/P) from {@code memo} when given. */
    void update(long now, boolean running, int nrRunnable, long weight, Decay memo) {
        long delta = now - lastUpdate;
        if (delta <= 0) return;
        lastUpdate = now;
        double decay = memo != null ? memo.of(delta) : Math.exp(delta * LN_Y_PER_NS);
        double grow = 1.0 - decay;
        util = util * decay + (running ? 1024.0 * grow : 0.0);
        runnable = runnable * decay + 1024.0 * nrRunnable * grow;
        load = load * decay + (double) weight * grow;
    }

    /**
     * y^(Δ/P) for one machine, remembering the last Δ: runqueues read in the same pass were mostly last brought
     * up to date together, so Δ repeats and the exponential is computed once.
     */
    static final class Decay {
        private long delta = -1;
        private double factor;

        double of(long d) {
            if (d != delta) {
                factor = Math.exp(d * LN_Y_PER_NS);
                delta = d;
            }
            return factor;
        }
    }

    void add(Pelt o) {
        util += o.util;
        runnable += o.runnable;
        load += o.load;
    }

    void sub(Pelt o) {
        util = Math.max(0, util - o.util);
        runnable = Math.max(0, runnable - o.runnable);
        load = Math.max(0, load - o.load);
    }

    public double util() { return util; }
    public double runnable() { return runnable; }
    public double load() { return load; }
}
