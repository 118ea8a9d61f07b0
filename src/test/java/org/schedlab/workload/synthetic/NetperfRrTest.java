package org.schedlab.workload.synthetic;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.schedlab.workload.Op;
import org.schedlab.workload.WorkloadException;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.Workloads;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

class NetperfRrTest {
    @Test
    void pairsPingPongOverTheirOwnChannels() {
        WorkloadSpec w = Workloads.parse("netperf-rr:pairs=2");
        assertThat(w.templates).hasSize(2 + 2 * 2);
        int accept = Sim.ops(w.templates.get(1), Op.Wait.class).get(0).channel;
        for (int p = 0; p < 2; p++) {
            int i = p;
            var client = w.templates.get(2 + 2 * i);
            var server = w.templates.get(3 + 2 * i);
            assertThat(client.comm).isEqualTo("netperf");
            assertThat(server.comm).isEqualTo("netserver");
            // connect, then one synchronous request per transaction
            assertThat(Sim.ops(client, Op.Signal.class)).extracting(s -> s.channel).containsExactly(accept, NetperfRr.requestChannel(i));
            assertThat(Sim.ops(client, Op.Signal.class)).extracting(s -> s.sync).containsExactly(false, true);
            // the first response is the server child answering the connection
            assertThat(Sim.ops(client, Op.Wait.class)).extracting(x -> x.channel)
                    .containsExactly(NetperfRr.responseChannel(i), NetperfRr.responseChannel(i));
            assertThat(Sim.ops(server, Op.Wait.class)).extracting(x -> x.channel).containsExactly(NetperfRr.requestChannel(i));
            assertThat(Sim.ops(server, Op.Signal.class)).extracting(x -> x.channel)
                    .containsExactly(NetperfRr.responseChannel(i), NetperfRr.responseChannel(i));
            assertThat(Sim.ops(server, Op.Signal.class)).extracting(s -> s.sync).containsExactly(false, true);
        }
        assertThat(Workloads.parse("netperf-rr:clients=3").templates).hasSize(2 + 2 * 3);
        assertThatThrownBy(() -> Workloads.parse("netperf-rr:pairs=2,clients=3")).isInstanceOf(WorkloadException.class);
    }

    @Test
    void aShellStartsTheClientsAndTheDaemonForksOneServerPerConnection() {
        WorkloadSpec w = Workloads.parse("netperf-rr:pairs=3");
        var shell = w.templates.get(0);
        var daemon = w.templates.get(1);
        assertThat(List.of(shell.comm, daemon.comm)).containsExactly("sh", "netserver");
        assertThat(List.of(shell.instances, daemon.instances)).containsExactly(1, 1);
        assertThat(w.templates.subList(2, w.templates.size())).allSatisfy(t -> assertThat(t.instances).isZero());
        assertThat(Sim.ops(shell, Op.Fork.class)).extracting(f -> f.template).containsExactly(2, 4, 6);
        assertThat(Sim.ops(daemon, Op.Fork.class)).extracting(f -> f.template).containsExactly(3, 5, 7);
        // the shell's gaps are fork+exec from a shell, the daemon's a plain fork()
        assertThat(Sim.ops(shell, Op.Run.class)).allSatisfy(r -> assertThat(r.work.mean()).isEqualTo(Launch.SHELL_SPAWN.mean()));
        assertThat(Sim.ops(daemon, Op.Run.class)).allSatisfy(r -> assertThat(r.work.mean()).isEqualTo(Launch.PROCESS_FORK.mean()));
        assertThat(Sim.ops(daemon, Op.Wait.class)).hasSize(3);

        Sim.Births b = Sim.births(Sim.spec("synthetic:cores=4", "linux-wake", "netperf-rr:pairs=3", 10_000_000L, 1));
        Sim.Birth sh = b.only("sh");
        List<Sim.Birth> clients = b.childrenOf(sh.pid()), servers = b.named("netserver").stream().filter(x -> x.parent() >= 0).toList();
        assertThat(clients).hasSize(3).allSatisfy(x -> assertThat(x.comm()).isEqualTo("netperf"));
        assertThat(servers).hasSize(3).allSatisfy(x -> assertThat(x.parent()).isNotEqualTo(sh.pid()));
        for (int k = 0; k < 3; k++) assertThat(servers.get(k).forkedAt()).isGreaterThan(clients.get(k).forkedAt());
        // fork+exec from a shell: at least 200 µs between two clients
        for (int k = 1; k < 3; k++) assertThat(clients.get(k).forkedAt() - clients.get(k - 1).forkedAt()).isGreaterThanOrEqualTo(200_000);
        assertThat(Sim.markCount(b.result(), "transaction")).isPositive();
    }

    @Test
    void transactionsGrowWithPairsUntilCpusSaturate() {
        double[] tps = new double[4];
        int[] pairs = {1, 2, 4, 16};
        for (int i = 0; i < 4; i++) {
            JsonNode r = Sim.run("synthetic:cores=4", "netperf-rr:pairs=" + pairs[i], 50_000_000L);
            tps[i] = Sim.value(r);
            double perS = r.get("metrics").get("marks").get("transaction").get("per_s").asDouble();
            assertThat(tps[i]).isCloseTo(perS, within(1.0));
        }
        // one pair on two idle CPUs: each way a send and a receive call of one byte, and a wakeup of an idle CPU
        // (the IPI, the idle exit and the switch from idle)
        org.schedlab.cost.CostModel c = org.schedlab.cost.CostModel.defaults();
        double oneWay = c.syscallNs(org.schedlab.cost.Syscall.TCP_SEND, 1) + c.syscallNs(org.schedlab.cost.Syscall.TCP_RECV, 1)
                + c.ipiLatencyNs + c.idleExitNs + c.idleSwitchNs;
        assertThat(tps[0]).isCloseTo(1e9 / (2 * oneWay), withinPercentage(2));
        assertThat(tps[1]).isGreaterThan(1.6 * tps[0]);
        assertThat(tps[2]).isGreaterThan(1.6 * tps[1]);
        assertThat(tps[3]).isLessThan(1.15 * tps[2]);
    }

    @Test
    void udpIsCheaperThanTcpAndBigMessagesCostMore() {
        double tcp = Sim.value(Sim.run("synthetic:cores=2", "netperf-rr", 30_000_000L));
        double udp = Sim.value(Sim.run("synthetic:cores=2", "netperf-rr:proto=udp", 30_000_000L));
        double big = Sim.value(Sim.run("synthetic:cores=2", "netperf-rr:req=64K,rsp=64K", 30_000_000L));
        assertThat(udp).isGreaterThan(tcp);
        assertThat(big).isLessThan(tcp / 2);
    }
}
