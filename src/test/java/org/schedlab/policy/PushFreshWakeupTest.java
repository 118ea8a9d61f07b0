package org.schedlab.policy;

import org.junit.jupiter.api.Test;
import org.schedlab.topology.CpuSet;
import org.schedlab.workload.Dist;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A task woken onto a busy CPU is not pushable until it has run and been preempted (patch 1/5 of the push RFC adds
 * tasks to the pushable list only when they are put back), and the reworked newidle pulls only from CPUs of the LLC's
 * overloaded mask, that is with a non-empty pushable list (patch 4/5). So under {@code push} such a wakee waits
 * behind the running task until its slice ends at a tick, while a CPU of its LLC sits idle; mainline's newidle
 * balance pulls it as soon as that CPU goes idle.
 */
class PushFreshWakeupTest {
    private static final long MS = 1_000_000L;

    /**
     * One LLC of 4 CPUs: a wakee runs briefly on CPU 0, becomes free to use CPUs 0 and 1, and sleeps until 1 ms; a hog
     * pinned to CPU 0 and a task pinned to CPU 1 that exits at 2 ms keep both its CPUs busy when it wakes, so it
     * wakes onto CPU 0 behind the hog.
     */
    private static Scenario scene(String policy) {
        Scenario s = new Scenario("synthetic:cores=4");
        TaskTemplate wakee = new TaskTemplate("wakee", new Op[]{new Op.Run(Dist.constant(10_000)),
                new Op.SetAffinity(CpuSet.of(4, 0, 1)), new Op.Sleep(Dist.constant(MS)), new Op.Run(Dist.constant(MS)),
                new Op.Exit()}, 1);
        wakee.allowed = CpuSet.of(4, 0);
        s.wl.addTemplate(wakee);
        TaskTemplate hog = new TaskTemplate("hog", new Op[]{new Op.LoopBegin(-1), new Op.Run(Dist.constant(10 * MS)),
                new Op.LoopEnd(0)}, 1);
        hog.allowed = CpuSet.of(4, 0);
        s.wl.addTemplate(hog);
        TaskTemplate busy = new TaskTemplate("busy", new Op[]{new Op.Run(Dist.constant(2 * MS)), new Op.Exit()}, 1);
        busy.allowed = CpuSet.of(4, 1);
        s.wl.addTemplate(busy);
        return s.run(policy, 8 * MS, true);
    }

    /** The first switch to the wakee after its wakeup at 1 ms. */
    private static Scenario.Switch wakeeStart(Scenario s) {
        return s.switches.stream().filter(w -> w.comm().equals("wakee") && w.t() > MS).findFirst().orElseThrow();
    }

    @Test
    void mainlineNewidlePullsTheWakeeWhenItsOtherCpuGoesIdle() {
        // CPU 1 is free at 2 ms (plus the exit's work): its newidle balance takes the wakee at once (without
        // NI_RANDOM, which skips the attempt at random)
        Scenario.Switch w = wakeeStart(scene("pull:ni_random=off"));
        assertThat(w.cpu()).isEqualTo(1);
        assertThat(w.t()).isBetween(2 * MS, 2 * MS + 100_000);
    }

    @Test
    void underPushTheFreshWakeupWaitsForTheHogsSliceWhileCpu1Idles() {
        // not pushable and invisible to the reworked newidle: it runs when the hog is preempted at the 4 ms tick
        Scenario s = scene("push");
        Scenario.Switch w = wakeeStart(s);
        assertThat(w.cpu()).isZero();
        assertThat(w.t()).isGreaterThanOrEqualTo(4 * MS).isLessThan(4 * MS + 100_000);
        // CPU 1 went idle when the busy task exited, a little after 2 ms, and ran nothing until then
        assertThat(s.switches.stream().filter(x -> x.cpu() == 1 && x.t() > MS && x.t() < w.t()).map(Scenario.Switch::comm))
                .containsExactly("swapper");
    }
}
