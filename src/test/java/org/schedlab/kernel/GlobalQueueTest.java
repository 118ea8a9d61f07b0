package org.schedlab.kernel;

import org.junit.jupiter.api.Test;
import org.schedlab.cost.CostModel;
import org.schedlab.workload.Workloads;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code global} reference under the default costs: a new job goes to an idle CPU at once, so it waits only for
 * the resched IPI, the C1 exit and the switch from idle, and no CPU idles while a job waits.
 */
class GlobalQueueTest {
    /** Open-loop jobs at about 10% load on 16 CPUs (300 µs mean service): all 16 busy almost never happens. */
    private static RunOutcome poisson() {
        MachineConfig cfg = Sim.config(500_000_000L, 2, true, true);
        cfg.checkInvariants = true;
        return Sim.run("synthetic:llcs=2,cores=8", "global", Workloads.parse("poisson:rate=5000,service=exp:300us"), cfg);
    }

    @Test
    void aNewJobNeverWaitsBehindAnotherTasksExit() {
        RunOutcome o = poisson();
        CostModel c = CostModel.defaults();
        // the target CPU may at most be in its tick handler when the IPI lands; an exit's work would add exitNs
        long bound = c.ipiLatencyNs + c.idleExitNs + c.idleSwitchNs + c.tickNs;
        assertThat(o.rec.wakeupLatency.getTotalCount()).isGreaterThan(1000);
        assertThat(o.rec.wakeupLatency.getValueAtPercentile(90)).isEqualTo(c.ipiLatencyNs + c.idleExitNs + c.idleSwitchNs);
        assertThat(o.rec.wakeupLatency.getMaxValue()).isLessThanOrEqualTo(bound).isLessThan(c.exitNs);
    }

    @Test
    void noCpuIdlesWhileAJobWaits() {
        // about 40% load on 16 CPUs: jobs sometimes find every CPU busy and wait in the queue; each new job on an
        // idle CPU is enqueued there while the resched IPI is on its way, which is not a CPU idling beside a waiter
        MachineConfig cfg = Sim.config(200_000_000L, 2, true, true);
        cfg.checkInvariants = true;
        RunOutcome o = Sim.run("synthetic:llcs=2,cores=8", "global", Workloads.parse("poisson:rate=21000,service=exp:300us"), cfg);
        assertThat(o.rec.wakeupLatency.getMaxValue()).as("some job waited in the queue").isGreaterThan(CostModel.defaults().exitNs);
        assertThat(o.rec.idleWhileOverloadedNs).isZero();
        assertThat(o.rec.wastedCoreNs).isZero();
    }
}
