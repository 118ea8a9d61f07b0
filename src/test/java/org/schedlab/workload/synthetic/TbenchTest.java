package org.schedlab.workload.synthetic;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.schedlab.cost.CostModel;
import org.schedlab.experiment.RunSpec;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.Workloads;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TbenchTest {
    private static final int N = 3;
    /** The lower end of {@link Launch#PROCESS_FORK}. */
    private static final long MIN_USER_FORK_NS = 60_000;

    @Test
    void eachClientTalksOnlyToItsOwnServerWithSyncWakeups() {
        WorkloadSpec w = Workloads.parse("tbench:clients=" + N);
        assertThat(w.templates).hasSize(2 + 2 * N);
        for (int k = 0; k < N; k++) {
            int c = k;
            TaskTemplate client = w.templates.get(Tbench.clientTemplate(c)), server = w.templates.get(Tbench.serverTemplate(c));
            assertThat(client.comm).isEqualTo("tbench");
            assertThat(server.comm).isEqualTo("tbench_srv");
            assertThat(client.instances).as("forked, not started").isZero();
            assertThat(server.instances).as("forked, not started").isZero();
            int ops = Tbench.CYCLE.length;
            List<Op.Signal> signals = Sim.ops(client, Op.Signal.class);
            // connect and ready first, then one request per operation
            assertThat(signals).hasSize(2 + ops);
            assertThat(signals.subList(0, 2)).allSatisfy(s -> assertThat(s.sync).isFalse());
            assertThat(signals.subList(2, signals.size()))
                    .allSatisfy(s -> assertThat(s.channel).isEqualTo(Tbench.requestChannel(c)))
                    .allSatisfy(s -> assertThat(s.sync).isTrue());
            List<Op.Wait> waits = Sim.ops(client, Op.Wait.class);
            assertThat(waits).hasSize(1 + ops);
            assertThat(waits.subList(1, waits.size())).allSatisfy(s -> assertThat(s.channel).isEqualTo(Tbench.replyChannel(c)));
            assertThat(Sim.ops(server, Op.Wait.class)).hasSize(ops)
                    .allSatisfy(s -> assertThat(s.channel).isEqualTo(Tbench.requestChannel(c)));
            assertThat(Sim.ops(server, Op.Signal.class)).hasSize(ops)
                    .allSatisfy(s -> assertThat(s.channel).isEqualTo(Tbench.replyChannel(c)))
                    .allSatisfy(s -> assertThat(s.sync).isTrue());
        }
        assertThat(w.headline.unit).isEqualTo("MB/s");
        assertThat(w.headline.scale * 1e6).isEqualTo(Tbench.payloadPerOp());
    }

    @Test
    void everyClientAndServerHasTheWorkingSetOfWsAndOnlyThey() {
        WorkloadSpec def = Workloads.parse("tbench:clients=" + N), small = Workloads.parse("tbench:clients=" + N + ",ws=64K");
        for (int c = 0; c < N; c++)
            for (int t : new int[]{Tbench.clientTemplate(c), Tbench.serverTemplate(c)}) {
                assertThat(def.templates.get(t).workingSetBytes).isEqualTo(512 * 1024);
                assertThat(small.templates.get(t).workingSetBytes).isEqualTo(64 * 1024);
            }
        // the parent and the listener keep the template default
        for (int t = 0; t < 2; t++) assertThat(small.templates.get(t).workingSetBytes).isEqualTo(def.templates.get(t).workingSetBytes);
        // an in-LLC migration refills the working set from L3 at the profile's bandwidth (capped by Milan's 512 KiB L2)
        CostModel costs = CostModel.defaults();
        org.schedlab.topology.Topology milan = org.schedlab.topology.TopologySources.resolve("epyc-7763-2s");
        assertThat(costs.refillNs(milan, 0, 1, small.templates.get(2).workingSetBytes))
                .isEqualTo(Math.round(64 * 1024 / costs.refillLlcBytesPerNs));
        assertThatThrownBy(() -> Workloads.parse("tbench:ws=-4K")).hasMessageContaining("ws must be a positive size");
    }

    @Test
    void theParentForksTheClientsAndTheListenerOneServerPerAccept() {
        WorkloadSpec w = Workloads.parse("tbench:clients=" + N);
        TaskTemplate parent = w.templates.get(0), listener = w.templates.get(1);
        assertThat(parent.comm).isEqualTo("tbench");
        assertThat(listener.comm).isEqualTo("tbench_srv");
        assertThat(parent.instances).isEqualTo(1);
        assertThat(listener.instances).isEqualTo(1);
        List<Integer> clients = new ArrayList<>(), servers = new ArrayList<>();
        for (int c = 0; c < N; c++) {
            clients.add(Tbench.clientTemplate(c));
            servers.add(Tbench.serverTemplate(c));
        }
        assertThat(Sim.ops(parent, Op.Fork.class)).allSatisfy(f -> assertThat(f.count).isEqualTo(1))
                .extracting(f -> f.template).containsExactlyElementsOf(clients);
        assertThat(Sim.ops(listener, Op.Fork.class)).allSatisfy(f -> assertThat(f.count).isEqualTo(1))
                .extracting(f -> f.template).containsExactlyElementsOf(servers);
        // the listener accepts (waits for a connection) before every fork; both parents pay fork()'s user part
        List<String> listenerSteps = new ArrayList<>();
        for (Op op : listener.program)
            if (op instanceof Op.Wait || op instanceof Op.Run || op instanceof Op.Fork) listenerSteps.add(op.getClass().getSimpleName());
        assertThat(String.join(" ", listenerSteps)).isEqualTo("Wait Run Fork ".repeat(N).trim());
        int accept = Sim.ops(listener, Op.Wait.class).get(0).channel;
        assertThat(Sim.ops(listener, Op.WaitChildren.class)).singleElement().satisfies(x -> assertThat(x.count).isEqualTo(N));
        // every client connects (accept), reports ready to the parent and waits for the parent's go
        Op.Wait ready = Sim.ops(parent, Op.Wait.class).get(0);
        Op.Signal go = Sim.ops(parent, Op.Signal.class).get(0);
        assertThat(Sim.ops(parent, Op.Wait.class)).singleElement();
        assertThat(Sim.ops(parent, Op.Signal.class)).singleElement();
        assertThat(Sim.ops(parent, Op.LoopBegin.class)).extracting(l -> l.count).containsExactly(N, N);
        assertThat(Sim.ops(parent, Op.WaitChildren.class)).singleElement().satisfies(x -> assertThat(x.count).isEqualTo(N));
        assertThat(List.of(accept, ready.channel, go.channel)).doesNotHaveDuplicates()
                .allSatisfy(ch -> assertThat(ch).isGreaterThanOrEqualTo(2 * N));
        for (int c = 0; c < N; c++) {
            TaskTemplate client = w.templates.get(Tbench.clientTemplate(c));
            assertThat(Sim.ops(client, Op.Signal.class).subList(0, 2)).extracting(s -> s.channel).containsExactly(accept, ready.channel);
            assertThat(Sim.ops(client, Op.Wait.class).get(0).channel).isEqualTo(go.channel);
        }
    }

    @Test
    void aRunCreatesTheParentsAndForksEveryClientAndServerOnce() {
        Sim.Births b = Sim.births(Sim.spec("synthetic:cores=4", "linux-wake", "tbench:clients=4", 20_000_000L, 1));
        assertThat(b.result().get("metrics").get("tasks_created").asLong()).isEqualTo(2 + 2 * 4);
        Sim.Birth parent = b.tasks().get(0), listener = b.tasks().get(1);
        assertThat(List.of(parent.parent(), listener.parent())).containsOnly(-1);
        assertThat(b.childrenOf(parent.pid())).hasSize(4).allSatisfy(x -> assertThat(x.comm()).isEqualTo("tbench"));
        assertThat(b.childrenOf(listener.pid())).hasSize(4).allSatisfy(x -> assertThat(x.comm()).isEqualTo("tbench_srv"));
        assertThat(b.tasks()).hasSize(10);
        // a server exists only once a client has connected: the k-th server comes after the k-th client
        List<Sim.Birth> cl = b.childrenOf(parent.pid()), sv = b.childrenOf(listener.pid());
        for (int k = 0; k < 4; k++) assertThat(sv.get(k).forkedAt()).isGreaterThan(cl.get(k).forkedAt());
        assertThat(Sim.markCount(b.result(), "op")).isPositive();
    }

    @Test
    void startUpVariesWithTheSeedButNotTheTaskStructure() {
        String wl = "tbench:clients=4";
        Sim.Births one = Sim.births(Sim.spec("synthetic:cores=4", "linux-wake", wl, 5_000_000L, 1));
        Sim.Births again = Sim.births(Sim.spec("synthetic:cores=4", "linux-wake", wl, 5_000_000L, 1));
        Sim.Births two = Sim.births(Sim.spec("synthetic:cores=4", "linux-wake", wl, 5_000_000L, 2));
        assertThat(again.tasks()).isEqualTo(one.tasks());
        assertThat(structure(two)).isEqualTo(structure(one));
        List<Long> t1 = clientForkTimes(one), t2 = clientForkTimes(two);
        assertThat(t1).hasSize(4).isSorted();
        assertThat(t2).hasSize(4).isSorted();
        for (int k = 0; k < 4; k++) assertThat(t2.get(k)).as("client %d", k).isNotEqualTo(t1.get(k));
        // the parent runs fork()'s user part between two clients
        for (List<Long> t : List.of(t1, t2))
            for (int k = 1; k < 4; k++) assertThat(t.get(k) - t.get(k - 1)).isGreaterThanOrEqualTo(MIN_USER_FORK_NS);
    }

    @Test
    void staggerZeroForksBackToBack() {
        Sim.Births real = Sim.births(Sim.spec("synthetic:cores=4", "linux-wake", "tbench:clients=8", 5_000_000L, 1));
        Sim.Births fast = Sim.births(Sim.spec("synthetic:cores=4", "linux-wake", "tbench:clients=8,stagger=0", 5_000_000L, 1));
        assertThat(structure(fast)).isEqualTo(structure(real));
        List<Long> t = clientForkTimes(fast);
        // only the kernel's fork cost separates the clients
        assertThat(t.get(7) - t.get(0)).isLessThanOrEqualTo(8 * CostModel.defaults().forkNs);
        // by default every fork costs user time too: 8 clients take at least 7 such gaps after the first
        assertThat(clientForkTimes(real).get(7) - clientForkTimes(real).get(0)).isGreaterThanOrEqualTo(7 * MIN_USER_FORK_NS);
        assertThat(lastFork(fast)).isLessThan(lastFork(real) / 2);
    }

    @Test
    void forkPlacementSpreadsTheChildrenOverBothLlcs() {
        RunSpec s = Sim.spec("synthetic:llcs=2,cores=4", "pull", "tbench:clients=4", 20_000_000L, 1);
        s.timelineBuckets = 10;
        Sim.Births b = Sim.births(s);
        JsonNode tl = b.result().get("timeline");
        double[] busy = new double[2];
        for (int c = 0; c < 8; c++) {
            JsonNode row = tl.get("utilisation").get(c);
            int llc = tl.get("llc_of").get(c).asInt();
            for (JsonNode u : row) busy[llc] += u.asDouble();
        }
        // 4 busy pairs on 8 CPUs: each LLC carries a real share of the work
        assertThat(busy[0]).isGreaterThan(0.25 * (busy[0] + busy[1]));
        assertThat(busy[1]).isGreaterThan(0.25 * (busy[0] + busy[1]));
        // and it got there at fork: each parent's children started at once on idle CPUs of both LLCs (CPUs 0-3, 4-7),
        // though each parent forked all of its children from one CPU
        for (Sim.Birth parent : b.tasks().subList(0, 2)) {
            List<Sim.Birth> children = b.childrenOf(parent.pid());
            // (a child on another CPU starts once the resched IPI has woken that CPU and it has left do_idle)
            org.schedlab.cost.CostModel c = org.schedlab.cost.CostModel.defaults();
            long wake = c.ipiLatencyNs + c.idleExitNs + c.idleSwitchNs;
            assertThat(children).hasSize(4).allSatisfy(x -> assertThat(x.firstRanAt() - x.forkedAt()).isBetween(0L, wake));
            assertThat(children).extracting(x -> x.firstCpu() / 4).as("LLCs of %s's children", parent.comm()).contains(0, 1);
        }
    }

    @Test
    void throughputGrowsWithClientsUntilCpusSaturate() {
        double[] mbs = new double[4];
        int[] clients = {1, 2, 8, 16};
        for (int i = 0; i < 4; i++)
            mbs[i] = Sim.value(Sim.run("synthetic:cores=4", "tbench:clients=" + clients[i], 60_000_000L));
        assertThat(mbs[0]).isGreaterThan(50);
        assertThat(mbs[1]).isGreaterThan(1.6 * mbs[0]);
        assertThat(mbs[2]).isGreaterThan(1.6 * mbs[1]);
        assertThat(mbs[3]).isLessThan(1.15 * mbs[2]);
    }

    /** Each task as (comm, parent's comm), in the order each parent forked them. */
    private static List<String> structure(Sim.Births b) {
        List<String> out = new ArrayList<>();
        for (Sim.Birth p : b.tasks())
            for (Sim.Birth c : b.childrenOf(p.pid())) out.add(p.comm() + "#" + p.pid() + " -> " + c.comm());
        return out;
    }

    private static List<Long> clientForkTimes(Sim.Births b) {
        return b.childrenOf(b.tasks().get(0).pid()).stream().map(Sim.Birth::forkedAt).toList();
    }

    private static long lastFork(Sim.Births b) {
        return b.tasks().stream().mapToLong(Sim.Birth::forkedAt).max().orElseThrow();
    }
}
