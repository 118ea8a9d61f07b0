package org.schedlab.workload.synthetic;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.schedlab.cost.CostModel;
import org.schedlab.cost.Syscall;
import org.schedlab.experiment.RunSpec;
import org.schedlab.experiment.Runner;
import org.schedlab.workload.WorkloadException;
import org.schedlab.workload.Workloads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PipeTest {
    /** Only a wakeup call and a context switch cost anything. */
    private static CostModel wakeupAndSwitch(long wakeupNs, long switchNs) {
        CostModel d = CostModel.defaults();
        d.transferSmtNs = d.transferLlcNs = d.transferPackageNs = d.transferRemoteNs = 0;
        d.ipiSendNs = d.ipiLatencyNs = d.idleExitNs = d.detachAttachNs = d.tickNs = d.lockBaseNs = 0;
        d.forkNs = d.execNs = d.exitNs = 0;
        d.statGatherFactor = 0;
        d.workJitter = 0;
        d.wakeupCallNs = wakeupNs;
        d.contextSwitchNs = switchNs;
        return d;
    }

    private static JsonNode run(String topology, String workload, CostModel costs) {
        RunSpec s = RunSpec.of(topology, "linux-wake", workload, 1_000_000_000L, 1);
        s.durationFromWorkload = true;
        s.timelineBuckets = 0;
        Runner.Prepared p = Runner.prepare(s);
        p.config.costs = costs;
        return Runner.run(p, null);
    }

    @Test
    void freeRoundTripIsTheTwoWritesAndReads() {
        for (String topo : new String[]{"synthetic:cores=1", "synthetic:cores=4"}) {
            JsonNode r = run(topo, "pipe:loops=1000,mode=thread,write=700ns,read=300ns", CostModel.none());
            assertThat(r.get("throughput").get("value").asDouble()).as(topo).isCloseTo(2 * (0.7 + 0.3), within(1e-6));
            assertThat(r.get("metrics").get("marks").get("round_trip").get("count").asLong()).isEqualTo(1000);
        }
    }

    @Test
    void oneCpuRoundTripIsTwiceWakeupAndSwitch() {
        // no pipe work: each worker blocks right after its wakeup call, so no wakeup preemption intervenes
        long w = 500, cs = 1000, write = 0, read = 0;
        CostModel c = wakeupAndSwitch(w, cs);
        String wl = "pipe:mode=thread,write=" + write + "ns,read=" + read + "ns,loops=";
        long t1 = run("synthetic:cores=1", wl + 1000, c).get("sim_time_ns").asLong();
        long t2 = run("synthetic:cores=1", wl + 3000, c).get("sim_time_ns").asLong();
        // start-up and exit cancel in the difference: 2000 round trips remain
        assertThat((t2 - t1) / 2000.0).isEqualTo(2.0 * (w + cs + write + read));
        JsonNode r = run("synthetic:cores=1", wl + 1000, c);
        assertThat(r.get("metrics").get("context_switches").asLong()).isBetween(2000L, 2010L);
    }

    @Test
    void processModeAddsForkAndAddressSpaceSwitch() {
        CostModel mm = CostModel.none();
        mm.mmSwitchNs = 100;
        JsonNode thread = run("synthetic:cores=1", "pipe:loops=1000,mode=thread", mm);
        JsonNode process = run("synthetic:cores=1", "pipe:loops=1000,forkextra=50us", mm);
        JsonNode noMm = run("synthetic:cores=1", "pipe:loops=1000,forkextra=50us", CostModel.none());
        double perOp = 2 * (CostModel.none().syscallNs(Syscall.PIPE_WRITE, 4) + CostModel.none().syscallNs(Syscall.PIPE_READ, 4)) / 1000.0;
        // threads share one address space: no mm switch however many context switches
        assertThat(thread.get("throughput").get("value").asDouble()).isCloseTo(perOp, within(1e-6));
        assertThat(noMm.get("throughput").get("value").asDouble()).isCloseTo(perOp + 50.0 / 1000, within(1e-6));
        // on one CPU every switch is between the two processes: two per round trip, plus the start and the reap
        double mmSwitches = (process.get("throughput").get("value").asDouble() - noMm.get("throughput").get("value").asDouble())
                * 1000 / 0.1;
        assertThat(mmSwitches).isBetween(2000 - 1e-6, 2003 + 1e-6);
        assertThat(Math.abs(mmSwitches - Math.round(mmSwitches))).isLessThan(1e-6);
    }

    @Test
    void theForkOfTheOneChildCostsTheProfilesProcessForkWork() {
        CostModel zero = CostModel.none(), c = CostModel.none();
        zero.processForkNs = 0;
        c.processForkNs = 40_000;
        double none = run("synthetic:cores=1", "pipe:loops=1000", zero).get("throughput").get("value").asDouble();
        double fork = run("synthetic:cores=1", "pipe:loops=1000", c).get("throughput").get("value").asDouble();
        assertThat(fork - none).isCloseTo(40.0 / 1000, within(1e-6));
        // a given forkextra overrides the profile
        double given = run("synthetic:cores=1", "pipe:loops=1000,forkextra=10us", c).get("throughput").get("value").asDouble();
        assertThat(given - none).isCloseTo(10.0 / 1000, within(1e-6));
    }

    @Test
    void processWorkersEndWithTheProfilesProcessExitWork() {
        // perf forks one child and runs the other worker itself: on one CPU the child's exit work adds to the
        // elapsed time once; threads do not pay it
        CostModel c = CostModel.none();
        c.processExitNs = 30_000;
        double base = run("synthetic:cores=1", "pipe:loops=1000,forkextra=0us", CostModel.none()).get("throughput").get("value").asDouble();
        double exits = run("synthetic:cores=1", "pipe:loops=1000,forkextra=0us", c).get("throughput").get("value").asDouble();
        assertThat(exits - base).isCloseTo(30.0 / 1000, within(1e-6));
        double thread = run("synthetic:cores=1", "pipe:loops=1000,mode=thread", c).get("throughput").get("value").asDouble();
        assertThat(thread).isCloseTo(run("synthetic:cores=1", "pipe:loops=1000,mode=thread", CostModel.none())
                .get("throughput").get("value").asDouble(), within(1e-9));
    }

    @Test
    void theForkedChildStartsWithTheProfilesProcessStartWork() {
        // perf's timing covers the child's whole life: on one CPU its start work adds to the elapsed time once
        CostModel c = CostModel.none();
        c.processStartNs = 20_000;
        double base = run("synthetic:cores=1", "pipe:loops=1000,forkextra=0us", CostModel.none()).get("throughput").get("value").asDouble();
        double start = run("synthetic:cores=1", "pipe:loops=1000,forkextra=0us", c).get("throughput").get("value").asDouble();
        assertThat(start - base).isCloseTo(20.0 / 1000, within(1e-6));
        double thread = run("synthetic:cores=1", "pipe:loops=1000,mode=thread", c).get("throughput").get("value").asDouble();
        assertThat(thread).isCloseTo(run("synthetic:cores=1", "pipe:loops=1000,mode=thread", CostModel.none())
                .get("throughput").get("value").asDouble(), within(1e-9));
    }

    @Test
    void busyCpusOfOtherProgramsKeepTheWorkersOnOneCpu() {
        // with both CPUs idle the wakee's previous CPU is idle and it stays there (select_idle_sibling): every
        // hand-off crosses CPUs and pays the IPI latency; when other programs keep both CPUs busy no CPU is idle,
        // so a sync wakeup lands on the waker's CPU (wake_affine_idle) and the pair shares one CPU, as on one CPU;
        // long enough that the background's utilisation, which starts at zero, soon stops SIS_UTIL's idle scan
        CostModel c = CostModel.defaults();
        c.ipiLatencyNs = 30_000;
        c.processForkNs = 0;
        double oneCpu = run("synthetic:cores=1", "pipe:loops=40000", c).get("throughput").get("value").asDouble();
        double idle = run("synthetic:cores=2", "pipe:loops=5000", c).get("throughput").get("value").asDouble();
        assertThat(idle).isGreaterThan(2 * 30).isGreaterThan(5 * oneCpu);
        RunSpec s = new RunSpec();
        s.topology = "synthetic:cores=2";
        s.policy = "linux-wake";
        s.workload = "pipe:loops=40000";
        s.durationFromWorkload = true;
        s.timelineBuckets = 0;
        Runner.Prepared p = Runner.prepare(s);
        p.config.costs = c;
        Background.addHost(p.workload, 2, 0, 2);
        JsonNode busy = Runner.run(p, null);
        assertThat(busy.get("metrics").get("tasks_exited").asLong()).isEqualTo(2);
        assertThat(busy.get("throughput").get("value").asDouble()).isCloseTo(oneCpu, within(0.05 * oneCpu));
    }

    @Test
    void theShareOtherProgramsTakeSlowsTheWorkersByIt() {
        // on one CPU the pair runs whenever the CPU is its own: a background task taking a fifth of it in 2 ms bursts
        // stretches the run by 1 / (1 - 0.2)
        CostModel c = CostModel.none();
        double alone = run("synthetic:cores=1", "pipe:loops=20000,mode=thread,write=5us,read=5us", c).get("sim_time_ns").asDouble();
        RunSpec s = new RunSpec();
        s.topology = "synthetic:cores=1";
        s.policy = "linux-wake";
        s.workload = "pipe:loops=20000,mode=thread,write=5us,read=5us";
        s.durationFromWorkload = true;
        s.timelineBuckets = 0;
        Runner.Prepared p = Runner.prepare(s);
        p.config.costs = c;
        Background.addHost(p.workload, 0, 0.2, 1);
        double shared = Runner.run(p, null).get("sim_time_ns").asDouble();
        assertThat(shared / alone).isCloseTo(1 / 0.8, within(0.03));
    }

    @Test
    void rejectsBadParameters() {
        assertThatThrownBy(() -> Workloads.parse("pipe:mode=fibre")).isInstanceOf(WorkloadException.class)
                .hasMessageContaining("mode must be one of process, thread");
        assertThatThrownBy(() -> Workloads.parse("pipe:loops=0")).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> Workloads.parse("pipe:threads=2")).isInstanceOf(RuntimeException.class)
                .hasMessageContaining("threads");
    }
}
