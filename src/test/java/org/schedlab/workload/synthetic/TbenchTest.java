package org.schedlab.workload.synthetic;

import org.junit.jupiter.api.Test;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.Workloads;

import static org.assertj.core.api.Assertions.assertThat;

class TbenchTest {
    @Test
    void eachClientTalksOnlyToItsOwnServerWithSyncWakeups() {
        WorkloadSpec w = Workloads.parse("tbench:clients=3");
        assertThat(w.templates).hasSize(6);
        for (int k = 0; k < 3; k++) {
            int c = k;
            TaskTemplate client = w.templates.get(2 * c), server = w.templates.get(2 * c + 1);
            assertThat(client.comm).isEqualTo("tbench");
            assertThat(server.comm).isEqualTo("tbench_srv");
            assertThat(client.instances).isEqualTo(1);
            assertThat(server.instances).isEqualTo(1);
            int ops = Tbench.CYCLE.length;
            assertThat(Sim.ops(client, Op.Signal.class)).hasSize(ops)
                    .allSatisfy(s -> assertThat(s.channel).isEqualTo(Tbench.requestChannel(c)))
                    .allSatisfy(s -> assertThat(s.sync).isTrue());
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
}
