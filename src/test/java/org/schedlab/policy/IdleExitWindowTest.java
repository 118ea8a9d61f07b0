package org.schedlab.policy;

import org.junit.jupiter.api.Test;
import org.schedlab.cost.CostModel;
import org.schedlab.topology.CpuSet;
import org.schedlab.workload.Dist;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A task woken onto an idle CPU is enqueued when the wakeup's IPI arrives (sched_ttwu_pending) and picked only when
 * that CPU has left do_idle (schedule_idle), an idle switch later; what a shared runqueue makes of that window is
 * in {@code SharedRunqWindowTest}.
 */
class IdleExitWindowTest {
    private static final long US = 1_000L, WAKE_AT = 500 * US;

    /**
     * One LLC of 4 CPUs. The wakee runs on CPU 1, may then use CPUs 0 and 1, and waits; the waker, on CPU 0,
     * signals it at 500 µs and waits at once.
     */
    private static Scenario scene(String policy) {
        Scenario s = new Scenario("synthetic:cores=4");
        TaskTemplate wakee = new TaskTemplate("wakee", new Op[]{new Op.Run(Dist.constant(10 * US)),
                new Op.SetAffinity(CpuSet.of(4, 0, 1)), new Op.Wait(0), new Op.Run(Dist.constant(1_000 * US)),
                new Op.Exit()}, 1);
        wakee.allowed = CpuSet.of(4, 1);
        s.wl.addTemplate(wakee);
        TaskTemplate waker = new TaskTemplate("waker", new Op[]{new Op.Run(Dist.constant(WAKE_AT)),
                new Op.Signal(0, false, false), new Op.Wait(1)}, 1);
        waker.allowed = CpuSet.of(4, 0);
        s.wl.addTemplate(waker);
        s.wl.channels = 2;
        return s.run(policy, 3_000 * US, true);
    }

    private static Scenario.Switch wakeeStart(Scenario s) {
        return s.switches.stream().filter(w -> w.comm().equals("wakee") && w.t() >= WAKE_AT).findFirst().orElseThrow();
    }

    @Test
    void mainlineRunsTheWakeeOnItsIdleCpuOnceThatCpuHasLeftIdle() {
        Scenario s = scene("pull:ni_random=off");
        CostModel c = CostModel.defaults();
        Scenario.Switch w = wakeeStart(s);
        assertThat(w.cpu()).isEqualTo(1);
        // the pick comes after the IPI, the C1 exit and the idle switch (the waker signals a little after 500 µs,
        // once its own start-up is paid)
        long wake = c.ipiLatencyNs + c.idleExitNs + c.idleSwitchNs;
        assertThat(w.t() - WAKE_AT).isBetween(wake, wake + 5 * US);
        assertThat(s.moves("newidle")).isEmpty();
    }
}
