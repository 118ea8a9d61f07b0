package org.schedlab.workload.synthetic;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.schedlab.workload.Op;
import org.schedlab.workload.WorkloadException;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.Workloads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class NetperfRrTest {
    @Test
    void pairsPingPongOverTheirOwnChannels() {
        WorkloadSpec w = Workloads.parse("netperf-rr:pairs=2");
        assertThat(w.templates).hasSize(4);
        for (int p = 0; p < 2; p++) {
            int i = p;
            var client = w.templates.get(2 * i);
            var server = w.templates.get(2 * i + 1);
            assertThat(Sim.ops(client, Op.Signal.class)).singleElement()
                    .satisfies(s -> assertThat(s.channel).isEqualTo(NetperfRr.requestChannel(i)))
                    .satisfies(s -> assertThat(s.sync).isTrue());
            assertThat(Sim.ops(client, Op.Wait.class)).extracting(x -> x.channel).containsExactly(NetperfRr.responseChannel(i));
            assertThat(Sim.ops(server, Op.Wait.class)).extracting(x -> x.channel).containsExactly(NetperfRr.requestChannel(i));
            assertThat(Sim.ops(server, Op.Signal.class)).extracting(x -> x.channel).containsExactly(NetperfRr.responseChannel(i));
        }
        assertThat(Workloads.parse("netperf-rr:clients=3").templates).hasSize(6);
        assertThatThrownBy(() -> Workloads.parse("netperf-rr:pairs=2,clients=3")).isInstanceOf(WorkloadException.class);
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
        // one pair: a 11 µs round trip of CPU work plus switches and wakeups
        assertThat(tps[0]).isBetween(30_000.0, 90_000.0);
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
