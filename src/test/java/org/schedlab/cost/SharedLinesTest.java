package org.schedlab.cost;

import org.junit.jupiter.api.Test;
import org.schedlab.topology.Synthetic;
import org.schedlab.topology.Topology;

import static org.assertj.core.api.Assertions.assertThat;

class SharedLinesTest {
    private final Topology topo = Synthetic.parse("synthetic:packages=2,llcs=2,cores=4");
    private final CostModel costs = CostModel.defaults();
    private final SharedLines lines = new SharedLines(costs, topo);
    private final int a = 0, b = topo.nrCpus() - 1, c = 1;

    @Test
    void aReadHitsWhileTheReaderHoldsTheLineAndTransfersAfterAnotherCpuWroteIt() {
        assertThat(lines.update("l", a, 0)).isEqualTo(costs.lockBaseNs);
        assertThat(lines.read("l", a, 10_000)).as("the writer holds it").isEqualTo(costs.cachedLineNs);
        assertThat(lines.read("l", b, 20_000)).as("first read on the other package")
                .isEqualTo(costs.transferNs(topo, a, b));
        assertThat(lines.read("l", b, 30_000)).as("still held").isEqualTo(costs.cachedLineNs);
        lines.update("l", c, 40_000);
        assertThat(lines.read("l", b, 50_000)).as("written since by another CPU")
                .isEqualTo(costs.transferNs(topo, c, b));
        assertThat(lines.read("l", a, 60_000)).as("the old writer lost it too").isEqualTo(costs.transferNs(topo, c, a));
    }

    @Test
    void aReadRightAfterWritesWaitsBehindEachOtherWriterOfTheWindow() {
        lines.update("l", a, 0);
        long t = 100_000;
        lines.update("l", c, t);
        long queuedBehindOne = lines.read("l", b, t + costs.sharedLineWindowNs / 2);
        assertThat(queuedBehindOne).isEqualTo(2 * costs.transferNs(topo, c, b));
        assertThat(lines.read("unwritten", b, t)).as("a line nobody wrote is local").isEqualTo(costs.cachedLineNs);
    }

    @Test
    void freeCostsChargeNothing() {
        SharedLines free = new SharedLines(CostModel.none(), topo);
        free.update("l", a, 0);
        assertThat(free.read("l", b, 10)).isZero();
    }
}
