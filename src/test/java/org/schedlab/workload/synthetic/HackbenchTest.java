package org.schedlab.workload.synthetic;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.schedlab.cost.CostModel;
import org.schedlab.experiment.RunSpec;
import org.schedlab.experiment.Runner;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadException;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.Workloads;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class HackbenchTest {
    @Test
    void groupsOfSendersWriteToEveryReceiverOfTheirGroupWithSyncWakeups() {
        WorkloadSpec w = Workloads.parse("hackbench:groups=3,fds=4,loops=5");
        assertThat(w.templates).hasSize(1 + 3 * 5);
        assertThat(w.endWhenAllExit).isTrue();
        // the time perf bench prints: from the start gate to the reap (mark "run")
        assertThat(w.headline.kind).isEqualTo(WorkloadSpec.HeadlineKind.LATENCY_MEAN);
        assertThat(w.marks.get(w.headline.mark)).isEqualTo("run");
        assertThat(w.params).containsEntry("groups", "3");
        TaskTemplate main = w.templates.get(0);
        assertThat(main.instances).isEqualTo(1);
        int forked = Sim.ops(main, Op.Fork.class).stream().mapToInt(f -> f.count).sum();
        assertThat(forked).isEqualTo(2 * 4 * 3);
        assertThat(Sim.ops(main, Op.WaitChildren.class)).extracting(x -> x.count).containsExactly(24);
        for (int g = 0; g < 3; g++) {
            Set<Integer> read = new HashSet<>();
            for (int j = 0; j < 4; j++) {
                TaskTemplate r = w.templates.get(1 + g * 5 + j);
                assertThat(r.comm).isEqualTo("hb-receiver");
                assertThat(r.instances).isZero();
                read.add(Hackbench.dataChannel(4, g, j));
                assertThat(Sim.ops(r, Op.Wait.class)).extracting(x -> x.channel).contains(Hackbench.dataChannel(4, g, j));
                assertThat(Sim.ops(r, Op.LoopBegin.class)).extracting(x -> x.count).contains(4 * 5);
            }
            TaskTemplate s = w.templates.get(1 + g * 5 + 4);
            assertThat(s.comm).isEqualTo("hb-sender");
            Set<Integer> written = new HashSet<>();
            for (Op.Signal sig : Sim.ops(s, Op.Signal.class)) if (sig.sync) written.add(sig.channel);
            assertThat(written).isEqualTo(read);
            assertThat(Sim.ops(s, Op.LoopBegin.class)).extracting(x -> x.count).containsExactly(5);
        }
    }

    @Test
    void timeGrowsWithGroupsOnASmallMachine() {
        JsonNode one = Sim.run("synthetic:cores=4", "hackbench:groups=1,fds=10,loops=20", 5_000_000_000L);
        JsonNode four = Sim.run("synthetic:cores=4", "hackbench:groups=4,fds=10,loops=20", 5_000_000_000L);
        assertThat(one.get("throughput").get("metric").asText()).isEqualTo("time");
        assertThat(one.get("throughput").get("higher_is_better").asBoolean()).isFalse();
        assertThat(one.get("metrics").get("tasks_exited").asLong()).isEqualTo(21);
        assertThat(Sim.markCount(four, "messages")).isEqualTo(4L * 10 * 10 * 20);
        assertThat(Sim.value(four)).isGreaterThan(2.5 * Sim.value(one));
        assertThat(Sim.value(four) * 1e9).isLessThan(5e9);
    }

    @Test
    void socketsCostMoreThanPipes() {
        double socket = Sim.value(Sim.run("synthetic:cores=2", "hackbench:groups=1,fds=5,loops=40,ipc=socket", 5_000_000_000L));
        double pipe = Sim.value(Sim.run("synthetic:cores=2", "hackbench:groups=1,fds=5,loops=40,mode=pipe", 5_000_000_000L));
        assertThat(socket).isGreaterThan(pipe);
    }

    @Test
    void aSmallBufferBlocksSenders() {
        JsonNode big = Sim.run("synthetic:cores=2", "hackbench:groups=1,fds=4,loops=50,mode=thread", 5_000_000_000L);
        JsonNode small = Sim.run("synthetic:cores=2", "hackbench:groups=1,fds=4,loops=50,mode=thread,capacity=1", 5_000_000_000L);
        assertThat(small.get("metrics").get("wakeups").asLong()).isGreaterThan(big.get("metrics").get("wakeups").asLong());
    }

    @Test
    void aSocketHoldsWhatItsSendBufferAllowsAndWakesWritersAtAQuarter() {
        // sk_sndbuf 212992; a 100-byte message: 640-byte small head + 256 = 896 of truesize; writers may allocate
        // while 1 + n·896 < 212992 (238 messages) and are woken once 4·(1 + n·896) ≤ 212992 (n ≤ 59)
        WorkloadSpec w = Workloads.parse("hackbench:groups=1,fds=2");
        assertThat(w.bufferCapacity).containsExactly(238, 238);
        assertThat(w.bufferWakeLevel).containsExactly(59, 59);
        assertThat(w.bufferWakeAll).containsExactly(true, true);
        // 1000 bytes: head 1024 + 320 → the 2048 kmalloc size, truesize 2304; 1 + 92·2304 < 212992 ≤ 1 + 93·2304
        assertThat(Workloads.parse("hackbench:groups=1,fds=1,datasize=1000").bufferCapacity).containsExactly(93);
        // a pipe: 16 pages of 40 merged 100-byte messages; a reader that empties a page wakes one writer
        WorkloadSpec p = Workloads.parse("hackbench:groups=1,fds=1,mode=pipe");
        assertThat(p.bufferCapacity).containsExactly(640);
        assertThat(p.bufferWakeLevel).containsExactly(600);
        assertThat(p.bufferWakeAll).containsExactly(false);
    }

    @Test
    void aSlowReaderWakesItsWriterOncePerDrainNotPerMessage() {
        // one sender, one receiver ten times slower: the sender fills the 238 slots, blocks, and is woken only when
        // the receiver is down to 59, i.e. about once per 180 messages of the 2000
        JsonNode r = Sim.run("synthetic:cores=2", "hackbench:groups=1,fds=1,loops=2000,mode=thread,send=1us,recv=10us",
                5_000_000_000L);
        assertThat(Sim.markCount(r, "messages")).isEqualTo(2000);
        assertThat(r.get("metrics").get("wakeups").asLong()).isBetween(5L, 20L);
    }

    @Test
    void aChildsStartWorkFallsBeforeTheStartGateAndItsExitWorkInsideTheTime() {
        // perf times from the gate (every child ready) to the reap: a child's start (copy-on-write faults on its way
        // to ready()) is outside, its exit inside; on one CPU the exits add up, 2 x fds children of exitNs each
        String wl = "hackbench:groups=1,fds=4,loops=5";
        CostModel start = CostModel.none(), exit = CostModel.none();
        start.processStartNs = 2_000_000;
        exit.processExitNs = 2_000_000;
        double none = runCosts(wl, CostModel.none()), started = runCosts(wl, start), exited = runCosts(wl, exit);
        assertThat(started).isCloseTo(none, within(1e-9));
        assertThat(exited - none).isCloseTo(8 * 2e-3, within(1e-6));
        assertThat(runCosts(wl + ",mode=thread", start)).isCloseTo(runCosts(wl + ",mode=thread", CostModel.none()),
                within(1e-9));
    }

    @Test
    void siblingsDoTheSharedPartOfTheirExitOneAtATime() {
        // 8 children exiting together on 8 CPUs: unshared, their exits overlap (one exit's time); fully shared
        // (every child's exit_mmap() under the same locks), they queue: 8 exits one after the other
        String wl = "hackbench:groups=1,fds=4,loops=5";
        CostModel parallel = CostModel.none(), serial = CostModel.none(), half = CostModel.none();
        parallel.processExitNs = serial.processExitNs = half.processExitNs = 2_000_000;
        serial.processExitShared = 1;
        half.processExitShared = 0.5;
        String eight = "synthetic:cores=8";
        double none = runCosts(eight, wl, CostModel.none());
        assertThat(runCosts(eight, wl, parallel) - none).isCloseTo(2e-3, within(2e-4));
        assertThat(runCosts(eight, wl, serial) - none).isCloseTo(8 * 2e-3, within(2e-4));
        // half shared: the shared halves queue (8 x 1 ms), the private halves overlap them
        assertThat(runCosts(eight, wl, half) - none).isCloseTo(8 * 1e-3 + 1e-3, within(2e-4));
        // on one CPU it changes nothing: the exits add up either way
        assertThat(runCosts("synthetic:cores=1", wl, serial)).isCloseTo(runCosts("synthetic:cores=1", wl, parallel), within(1e-6));
    }

    @Test
    void writesAndReadsOfOnePipeTakeItsMutexOneAtATime() {
        // one sender and one receiver on 4 CPUs, 100 us a write and a read, nothing else costs: over a socket the
        // receiver reads message k while the sender writes k+1, (50 + 1) x 100 us; pipe_write() and pipe_read()
        // both hold pipe->mutex, so a pipe's 50 writes and 50 reads go one at a time: 100 x 100 us
        String wl = "hackbench:groups=1,fds=1,loops=50,mode=thread,send=100us,recv=100us,ipc=";
        assertThat(runCosts("synthetic:cores=4", wl + "socket", CostModel.none())).isCloseTo(51 * 100e-6, within(2e-6));
        assertThat(runCosts("synthetic:cores=4", wl + "pipe,pipe_mutex=on", CostModel.none())).isCloseTo(100 * 100e-6, within(2e-6));
        // without the mutex a pipe's operations overlap as a socket's do
        assertThat(runCosts("synthetic:cores=4", wl + "pipe", CostModel.none())).isCloseTo(51 * 100e-6, within(2e-6));
        // four senders and receivers: each pipe's 4 x 50 writes and reads still go one at a time, the pipes in parallel
        String four = "hackbench:groups=1,fds=4,loops=50,mode=thread,send=100us,recv=100us,ipc=pipe,pipe_mutex=on";
        assertThat(runCosts("synthetic:cores=16", four, CostModel.none())).isGreaterThanOrEqualTo(4 * 100 * 100e-6);
        // on one CPU nothing overlaps anyway: the mutex changes nothing
        String one = "hackbench:groups=1,fds=2,loops=20,mode=thread,send=100us,recv=100us,ipc=";
        assertThat(runCosts("synthetic:cores=1", one + "pipe,pipe_mutex=on", CostModel.none()))
                .isCloseTo(runCosts("synthetic:cores=1", one + "socket", CostModel.none()), within(1e-6));
    }

    @Test
    void spinnersThatMustRescheduleSleepOnTheMutexAndEveryMessageArrives() {
        // 4 groups of 4 on 4 CPUs, every pipe operation 20 us: spinners meet other runnable tasks and sleep on the
        // mutex; with the machine's consistency checked after every event, every message is still read
        RunSpec s = Sim.spec("synthetic:cores=4", "pull",
                "hackbench:groups=4,fds=4,loops=30,mode=thread,ipc=pipe,pipe_mutex=on,send=20us,recv=20us", 10_000_000_000L, 1);
        s.checkInvariants = true;
        JsonNode r = Runner.run(Runner.prepare(s), null);
        assertThat(r.at("/metrics/marks/messages/count").asLong()).isEqualTo(4L * 4 * 4 * 30);
        assertThat(r.at("/metrics/counts/kernel_ns.ipc_lock_spin").asLong()).isPositive();
        assertThat(Sim.value(r)).isGreaterThan(0);
    }

    /** The time perf would print, in s, on one CPU with {@code costs}. */
    private static double runCosts(String workload, CostModel costs) {
        return runCosts("synthetic:cores=1", workload, costs);
    }

    /** The time perf would print, in s, on {@code topology} with {@code costs}. */
    private static double runCosts(String topology, String workload, CostModel costs) {
        RunSpec s = Sim.spec(topology, "linux-wake", workload, 10_000_000_000L, 1);
        Runner.Prepared p = Runner.prepare(s);
        p.config.costs = costs;
        return Sim.value(Runner.run(p, null));
    }

    @Test
    void badKeysAreOneLineErrors() {
        assertThatThrownBy(() -> Workloads.parse("hackbench:group=2"))
                .isInstanceOf(WorkloadException.class).hasMessageContaining("unknown key 'group'").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> Workloads.parse("hackbench:ipc=tcp")).isInstanceOf(WorkloadException.class)
                .hasMessageContaining("ipc must be one of");
        assertThatThrownBy(() -> Workloads.parse("hackbench:ipc=socket,mode=pipe")).isInstanceOf(WorkloadException.class);
        assertThatThrownBy(() -> Workloads.parse("hackbench:pipe_mutex=on")).isInstanceOf(WorkloadException.class)
                .hasMessageContaining("needs ipc=pipe");
    }
}
