package org.schedlab.policy.linux;

import org.schedlab.policy.SchedContext;
import org.schedlab.policy.SchedPolicy;
import org.schedlab.policy.TaskView;

/**
 * {@code linux-wake}: the kernel's wakeup, fork and exec placement and nothing else — no periodic, newidle or
 * nohz balancing. Shows what placement alone achieves.
 * Deviation: SIS_UTIL's scan depth is refreshed at the LLC balance interval from the tick, since no periodic
 * balancing runs to refresh it.
 */
public class LinuxWakePolicy implements SchedPolicy {
    protected final FairPlacement placement = new FairPlacement();
    protected SchedContext ctx;

    @Override public String name() { return "linux-wake"; }

    @Override public void init(SchedContext ctx) {
        this.ctx = ctx;
        placement.init(ctx);
    }

    @Override public int selectTaskRq(TaskView p, int prevCpu, int wakerCpu, int wakeFlags) {
        return placement.selectTaskRq(p, prevCpu, wakerCpu, wakeFlags);
    }

    @Override public void tick(int cpu, boolean idle) {
        placement.maybeUpdateIdleCpuScan(cpu);
    }

    @Override public void newidle(int cpu) {
        placement.updateIdleCore(cpu);
    }
}
