package org.schedlab.workload.synthetic;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.schedlab.workload.Op;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.Workloads;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class StreamTest {
    private static final String SMALL = "stream:threads=8,elems=2000000";

    @Test
    void masterForksWorkersAndAllMeetAtFourBarriersPerIteration() {
        WorkloadSpec w = Workloads.parse("stream:threads=3,ntimes=5");
        assertThat(w.templates).hasSize(2);
        assertThat(w.barrierParties).containsExactly(3, 3, 3, 3);
        assertThat(w.endWhenAllExit).isTrue();
        var master = w.templates.get(0);
        var worker = w.templates.get(1);
        assertThat(master.instances).isEqualTo(1);
        assertThat(worker.instances).isZero();
        // one fork per pass of a loop over the 2 workers, before the iterations
        assertThat(Sim.ops(master, Op.Fork.class)).singleElement().satisfies(f -> {
            assertThat(f.template).isEqualTo(1);
            assertThat(f.count).isEqualTo(1);
        });
        assertThat(Sim.ops(master, Op.LoopBegin.class)).extracting(l -> l.count).containsExactly(2, 5);
        assertThat(Sim.ops(worker, Op.Fork.class)).isEmpty();
        assertThat(Sim.ops(worker, Op.Barrier.class)).extracting(b -> b.barrier).containsExactly(0, 1, 2, 3);
        assertThat(Sim.ops(master, Op.Barrier.class)).extracting(b -> b.barrier).containsExactly(0, 1, 2, 3);
        assertThat(worker.memoryBound).isEqualTo(0.95);
        assertThat(worker.workingSetBytes).isEqualTo(80_000_000L);
        // Copy moves 16 bytes per element of a thread's third of the arrays at 21.4 bytes per ns
        Op.Run copy = Sim.ops(worker, Op.Run.class).get(0);
        assertThat(copy.work.mean()).isCloseTo(16 * 10_000_000 / 3.0 / 21.4, within(1.0));
        assertThat(Workloads.parse("stream").endWhenAllExit).isFalse();
    }

    @Test
    void theMasterCreatesItsWorkersOneByOne() {
        Sim.Births b = Sim.births(Sim.spec("synthetic:cores=4", "linux-wake", "stream:threads=4,elems=100000,ntimes=2", 100_000_000L, 1));
        Sim.Birth master = b.tasks().get(0);
        assertThat(master.parent()).isEqualTo(-1);
        List<Sim.Birth> workers = b.childrenOf(master.pid());
        assertThat(workers).hasSize(3);
        assertThat(b.tasks()).hasSize(4);
        // pthread_create's user part, at least 5 µs, separates two workers
        for (int k = 1; k < 3; k++) assertThat(workers.get(k).forkedAt() - workers.get(k - 1).forkedAt()).isGreaterThanOrEqualTo(5_000);
        assertThat(b.result().get("metrics").get("tasks_exited").asLong()).isEqualTo(4);
        assertThat(Sim.markCount(b.result(), "chunk")).isEqualTo(2 * 4 * 4);
    }

    @Test
    void oneThreadAloneStreamsAtTheCoreBandwidth() {
        JsonNode r = Sim.run("synthetic:cores=1", "linux-wake", "stream:threads=1,elems=1000000,membound=1", 100_000_000L, false);
        assertThat(Sim.value(r)).isCloseTo(21_400, within(400.0));
        JsonNode fixed = Sim.run("synthetic:cores=1", "linux-wake", "stream:threads=1,elems=1000000,ntimes=3", 1_000_000_000L, false);
        assertThat(Sim.markCount(fixed, "chunk")).isEqualTo(12);
        assertThat(Sim.markCount(fixed, "triad")).isEqualTo(3);
        // 3 iterations of 80 bytes per element, done at 21.4 bytes per ns
        assertThat(fixed.get("sim_time_ns").asDouble()).isCloseTo(3 * 80e6 / 21.4, within(1e5));
    }

    @Test
    void smtSiblingsAndASharedLlcCutBandwidth() {
        double cores = Sim.value(Sim.run("synthetic:cores=8,smt=1", SMALL, 100_000_000L));
        double smt = Sim.value(Sim.run("synthetic:cores=4,smt=2", SMALL, 100_000_000L));
        double twoLlcs = Sim.value(Sim.run("synthetic:llcs=2,cores=4", SMALL, 100_000_000L));
        assertThat(smt).isLessThan(0.8 * cores);
        assertThat(twoLlcs).isGreaterThan(1.5 * cores);
    }

    @Test
    void migrationsCutBandwidth() {
        JsonNode placed = Sim.run("synthetic:llcs=4,cores=2", "linux-wake", "stream:threads=4,elems=2000000", 100_000_000L, true);
        JsonNode moved = Sim.run("synthetic:llcs=4,cores=2", "random", "stream:threads=4,elems=2000000", 100_000_000L, true);
        assertThat(moved.get("metrics").get("migrations_total").asLong())
                .isGreaterThan(10 * Math.max(1, placed.get("metrics").get("migrations_total").asLong()));
        assertThat(Sim.value(moved)).isLessThan(0.8 * Sim.value(placed));
    }

    @Test
    void cpusBindEveryThreadAsNumactlDoesAndFromIsTheLaunchingCpu() {
        WorkloadSpec w = Workloads.parse("stream:threads=8,cpus=0,16,32-33,from=16");
        assertThat(w.templates).allSatisfy(t -> assertThat(t.allowed.toString()).isEqualTo("0,16,32-33"));
        assertThat(w.templates.get(0).launchCpu).isEqualTo(16);
        assertThat(Workloads.parse("stream").templates.get(0).allowed).isNull();
        assertThatThrownBy(() -> Workloads.parse("stream:cpus=3-1")).hasMessage(
                "stream:cpus=3-1: cpus must be a CPU list like 0,16,32 or 0-15 (CPUs below 4096), got '3-1'");
        assertThatThrownBy(() -> Sim.run("synthetic:cores=4", "linux-wake", "stream:from=9", 1_000_000L, false))
                .hasMessageContaining("started from CPU 9, which does not exist on this 4-CPU machine");
    }

    @Test
    void threadsSharingANodesMemoryShareItsBandwidth() {
        // one thread per CCX of socket 0 of 2 x EPYC 7763: 8 x 21.4 GB/s asked of a package's 120 GB/s, so each
        // memory-bound ns stretches by 8 x 21.4 / 120 (membound 1: no CPU part)
        String spread = "stream:threads=8,membound=1,elems=20000000,ntimes=4,cpus=0,8,16,24,32,40,48,56";
        double node = Sim.value(Sim.run("epyc-7763-2s", "pull", spread, 2_000_000_000L, false));
        assertThat(node).isCloseTo(120_000, within(0.03 * 120_000));
        // the same threads, one per CCX of both sockets: 4 per package, 85.6 GB/s each, below the limit
        String twoSockets = "stream:threads=8,membound=1,elems=20000000,ntimes=4,cpus=0,16,32,48,64,80,96,112";
        double both = Sim.value(Sim.run("epyc-7763-2s", "pull", twoSockets, 2_000_000_000L, false));
        assertThat(both).isCloseTo(8 * 21_400, within(0.03 * 8 * 21_400));
    }
}
