package org.schedlab.kernel;

import org.junit.jupiter.api.Test;
import org.schedlab.workload.Workloads;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jain's index covers the tasks that compete for the CPUs (wanting one for at least half of the measured window):
 * equal copies share evenly whatever their launcher does, and jobs that come and go do not compete.
 */
class FairnessTest {
    @Test
    void equalCopiesAreFairAndTheirSleepingLauncherDoesNotCount() {
        // specinvoke forks 12 copies of 200 ms of work on 4 CPUs and sleeps in wait() until they are done
        MachineConfig cfg = Sim.config(2_000_000_000L, 1, true, true);
        RunOutcome o = Sim.run("synthetic:cores=4", "pull", Workloads.parse("spec-rate:copies=12"), cfg);
        assertThat(o.taskExecNs).hasSize(13);
        assertThat(o.competingTasks()).isEqualTo(12);
        for (int i = 0; i < o.taskExecNs.length; i++)
            if (!o.competed(i)) assertThat(o.taskExecNs[i]).as("the launcher's CPU time").isLessThan(20_000_000L);
        // 3 copies per CPU, each given its 200 ms: perfectly even up to the start-up gaps
        assertThat(o.fairnessJain()).isGreaterThan(0.999);
    }

    @Test
    void jobsThatComeAndGoDoNotCompete() {
        MachineConfig cfg = Sim.config(100_000_000L, 1, true, true);
        RunOutcome o = Sim.run("synthetic:cores=4", "pull", Workloads.parse("poisson:rate=4000,service=exp:300us"), cfg);
        assertThat(o.taskExecNs.length).isGreaterThan(300);
        assertThat(o.competingTasks()).isZero();
        assertThat(o.fairnessJain()).isEqualTo(1.0);
    }
}
