package org.schedlab.policy.reference;

import org.schedlab.engine.Rng;
import org.schedlab.policy.SchedContext;
import org.schedlab.policy.SchedPolicy;
import org.schedlab.policy.TaskView;

/**
 * {@code pick2}: the power of two choices. Each wakeup and fork samples two allowed CPUs uniformly and takes
 * the one with fewer tasks (an idle one first); tasks are never moved afterwards. Reading the two runqueues
 * is charged as two remote stat reads.
 */
public final class Pick2Policy implements SchedPolicy {
    private SchedContext ctx;
    private Rng rng;

    @Override public String name() { return "pick2"; }

    @Override public void init(SchedContext ctx) {
        this.ctx = ctx;
        this.rng = ctx.rng("pick2");
    }

    private int sample(TaskView p) {
        if (p.allowedCpus() == null) return rng.nextInt(ctx.nrCpus());
        int[] a = p.allowedCpus().toArray();
        return a[rng.nextInt(a.length)];
    }

    @Override public int selectTaskRq(TaskView p, int prevCpu, int wakerCpu, int wakeFlags) {
        int a = sample(p), b = sample(p);
        if (wakerCpu >= 0) {
            ctx.chargeScan(wakerCpu, a, "pick2");
            ctx.chargeScan(wakerCpu, b, "pick2");
        }
        int na = ctx.nrRunning(a), nb = ctx.nrRunning(b);
        if (na == nb) return ctx.idleCpu(b) && !ctx.idleCpu(a) ? b : a;
        return na < nb ? a : b;
    }
}
