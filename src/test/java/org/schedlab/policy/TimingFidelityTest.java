package org.schedlab.policy;

import org.junit.jupiter.api.Test;
import org.schedlab.kernel.Machine;
import org.schedlab.kernel.MachineConfig;
import org.schedlab.topology.Synthetic;
import org.schedlab.topology.Topology;
import org.schedlab.workload.Workloads;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Kernel work that takes time on a real machine takes simulated time here too. */
class TimingFidelityTest {
    @Test
    void theIdleLoadBalancersWalkTakesTimeCpuByCpu() {
        // LLC 0 overloaded (three tasks per CPU), LLCs 1-3 idle with their ticks stopped: one ILB walk pulls for
        // the first idle CPU of each idle LLC, one after the other as each step's scan and move are done
        Scenario s = new Scenario("synthetic:llcs=4,cores=4");
        for (int i = 0; i < 12; i++) s.hog("h" + i, i % 4, true);
        s.run("pull", 100_000_000L, true);
        List<Scenario.Move> nohz = s.moves("nohz");
        // a walk that pulled for several CPUs: moves less than 200 us apart
        List<Scenario.Move> walk = null;
        for (Scenario.Move m : nohz) {
            List<Scenario.Move> w = nohz.stream().filter(x -> x.t() >= m.t() && x.t() < m.t() + 200_000).toList();
            if (w.size() >= 2) {
                walk = w;
                break;
            }
        }
        assertThat(walk).as("a walk with two pulls in %s", nohz).isNotNull();
        // every pull of the walk happens at its own time, later than the one before
        for (int i = 1; i < walk.size(); i++) assertThat(walk.get(i).t()).isGreaterThan(walk.get(i - 1).t());
    }

    @Test
    void aForkedChildIsEnqueuedDirectlyAndForkPlacementSeesTheOnesBefore() {
        // specinvoke forks 8 CPU-bound copies back to back on 8 idle CPUs: nothing but forks wakes anything
        org.schedlab.experiment.RunSpec spec = new org.schedlab.experiment.RunSpec();
        spec.topology = "synthetic:llcs=2,cores=4";
        spec.policy = "linux-wake";
        spec.workload = "spec-rate:copies=8,work=20ms,stagger=0";
        spec.durationNs = 1_000_000_000L;
        com.fasterxml.jackson.databind.node.ObjectNode r = org.schedlab.experiment.Runner.run(spec);
        // wake_up_new_task enqueues under the target's lock: no wakelist delivery (sched_ttwu_pending) at all
        // (the one remote wakeup is specinvoke's, when its last child exits)
        assertThat(r.get("metrics").get("counts").path("events.wake_arrive").asLong(0)).isLessThanOrEqualTo(1);
        // each child is placed seeing the ones before on their runqueues: one copy per CPU, so the makespan is
        // one copy's work plus the start-up, not two copies' worth on a shared CPU (40 ms)
        double makespan = r.get("throughput").get("value").asDouble();
        assertThat(makespan).isBetween(0.020, 0.025);
    }

    @Test
    void theBalanceCallbackRunsOnlyWhenTheCpuSwitchesTask() {
        int[] callbacks = new int[1];
        SchedPolicy counting = new ForwardingPolicy(org.schedlab.policy.linux.FairPolicy.linuxWake()) {
            @Override public void balanceCallback(int cpu) { callbacks[0]++; }
        };
        MachineConfig cfg = MachineConfig.of(100_000_000L, 1, true, true);
        Topology t = Synthetic.parse("synthetic:cores=2");
        Machine m = new Machine(t, counting, java.util.Map.of(), Workloads.parse("schbench:workers=2"), cfg);
        m.run();
        // set_next_task queues the callback: as many callbacks as switches to a task, not one per __schedule
        assertThat((long) callbacks[0]).isEqualTo(m.recorder().contextSwitches);
    }
}
