package org.schedlab.policy.reference;

import org.schedlab.engine.Rng;
import org.schedlab.policy.SchedContext;
import org.schedlab.policy.SchedPolicy;
import org.schedlab.policy.TaskView;

/** {@code random}: every wakeup and fork goes to a uniformly random allowed CPU; tasks are never moved. */
public final class RandomPolicy implements SchedPolicy {
    private Rng rng;
    private int nrCpus;

    @Override public String name() { return "random"; }

    @Override public void init(SchedContext ctx) {
        rng = ctx.rng("random");
        nrCpus = ctx.nrCpus();
    }

    @Override public int selectTaskRq(TaskView p, int prevCpu, int wakerCpu, int wakeFlags) {
        if (p.allowedCpus() == null) return rng.nextInt(nrCpus);
        int[] allowed = p.allowedCpus().toArray();
        return allowed[rng.nextInt(allowed.length)];
    }
}
