package org.schedlab.topology;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.schedlab.topology.Fixtures.levelNames;
import static org.schedlab.topology.Fixtures.weights;

/**
 * The 2-socket EPYC presets in NPS1, NPS2 and NPS4: node maps as Linux numbers them (node k of an NPS-n socket
 * holds the k-th n-th of the socket's cores and their SMT siblings), the firmware's SLIT (10 / 12 / 32), and the
 * sched-domain stacks of the model specification (§1.8, §11).
 */
class NpsPresetsTest {
    /** 2P EPYC 7763: 64 cores per socket in 8 LLCs; 2P EPYC 9654: 96 cores per socket in 12 LLCs. */
    private static final String[] PRESETS = {"epyc-7763-2s", "epyc-9654-2s"};
    private static final int[] CORES_PER_SOCKET = {64, 96};

    private static Topology nps(String preset, int nps) { return Presets.get(preset + ":nps=" + nps); }

    @Test
    void nodeMapsSplitEachSocketIntoWholeLlcsNumberedLikeLinux() {
        for (int p = 0; p < PRESETS.length; p++) {
            int perSocket = CORES_PER_SOCKET[p], cores = 2 * perSocket;
            for (int nps : new int[]{1, 2, 4}) {
                Topology t = nps(PRESETS[p], nps);
                assertThat(t.nrCpus()).isEqualTo(2 * cores);
                assertThat(t.nrNodes()).isEqualTo(2 * nps);
                int perNode = perSocket / nps;
                for (int k = 0; k < 2 * nps; k++) {
                    String expected = (k * perNode) + "-" + ((k + 1) * perNode - 1) + ","
                            + (cores + k * perNode) + "-" + (cores + (k + 1) * perNode - 1);
                    assertThat(t.nodeSpan(k)).as("%s nps=%d node %d", PRESETS[p], nps, k).hasToString(expected);
                }
                for (int l = 0; l < t.nrLlcs(); l++) {
                    CpuSet llc = t.llcSpan(l);
                    assertThat(t.nodeSpan(t.nodeOf(llc.first())).containsAll(llc)).as("LLC %d inside one node", l).isTrue();
                }
                for (int a = 0; a < t.nrNodes(); a++)
                    for (int b = 0; b < t.nrNodes(); b++) {
                        int expected = a == b ? 10 : a / nps == b / nps ? 12 : 32;
                        assertThat(t.nodeDistance(a, b)).as("%s nps=%d distance %d-%d", PRESETS[p], nps, a, b).isEqualTo(expected);
                    }
            }
        }
    }

    @Test
    void publishedNodeMapsOfTheMilanMachine() {
        // published.md §1b (NPS1) and the 2P NPS4 numactl -H map of model.md §1.1
        assertThat(nps("epyc-7763-2s", 1).nodeSpan(0)).hasToString("0-63,128-191");
        assertThat(nps("epyc-7763-2s", 1).nodeSpan(1)).hasToString("64-127,192-255");
        assertThat(nps("epyc-7763-2s", 4).nodeSpan(0)).hasToString("0-15,128-143");
        assertThat(nps("epyc-7763-2s", 4).nodeSpan(7)).hasToString("112-127,240-255");
    }

    @Test
    void nps1IsThePlainPreset() {
        for (String preset : PRESETS) {
            Topology plain = Presets.get(preset), one = nps(preset, 1);
            assertThat(one.nrNodes()).isEqualTo(plain.nrNodes());
            for (int k = 0; k < plain.nrNodes(); k++) assertThat(one.nodeSpan(k)).isEqualTo(plain.nodeSpan(k));
            for (int c = 0; c < plain.nrCpus(); c++) {
                assertThat(one.llcOf(c)).isEqualTo(plain.llcOf(c));
                assertThat(one.dieOf(c)).isEqualTo(plain.dieOf(c));
                assertThat(one.coreOf(c)).isEqualTo(plain.coreOf(c));
            }
            assertThat(one.nodeDistance(0, 1)).isEqualTo(plain.nodeDistance(0, 1));
            assertThat(plain.name()).isEqualTo(preset);
        }
    }

    @Test
    void domainStacksDropPkgWhenASocketHasSeveralNodes() {
        // §11: NPS1 2P: SMT, MC, PKG(socket), NUMA(all); NPS2/NPS4 2P: SMT, MC, NODE, NUMA-12(socket), NUMA-32(all)
        SchedDomain[] n1 = SchedDomains.build(nps("epyc-7763-2s", 1)).of(0);
        assertThat(levelNames(n1)).containsExactly("SMT", "MC", "PKG", "NUMA");
        assertThat(weights(n1)).containsExactly(2, 16, 128, 256);
        SchedDomain[] n2 = SchedDomains.build(nps("epyc-7763-2s", 2)).of(0);
        assertThat(levelNames(n2)).containsExactly("SMT", "MC", "NODE", "NUMA-12", "NUMA-32");
        assertThat(weights(n2)).containsExactly(2, 16, 64, 128, 256);
        // §1.8's NPS4 variant, imb_numa_nr included
        SchedDomain[] n4 = SchedDomains.build(nps("epyc-7763-2s", 4)).of(0);
        assertThat(levelNames(n4)).containsExactly("SMT", "MC", "NODE", "NUMA-12", "NUMA-32");
        assertThat(weights(n4)).containsExactly(2, 16, 32, 128, 256);
        assertThat(n4[2].nrGroups()).isEqualTo(2);
        assertThat(n4[3].nrGroups()).isEqualTo(4);
        assertThat(n4[4].nrGroups()).isEqualTo(2);
        assertThat(new int[]{n4[2].imbNumaNr, n4[3].imbNumaNr, n4[4].imbNumaNr}).containsExactly(2, 2, 4);
        // 32 is not beyond Zen's node_reclaim_distance: every level keeps wake_affine and fork balancing
        assertThat(n4[4].has(SchedDomain.SD_WAKE_AFFINE)).isTrue();
        SchedDomain[] g4 = SchedDomains.build(nps("epyc-9654-2s", 4)).of(0);
        assertThat(levelNames(g4)).containsExactly("SMT", "MC", "NODE", "NUMA-12", "NUMA-32");
        assertThat(weights(g4)).containsExactly(2, 16, 48, 192, 384);
        assertThat(g4[2].imbNumaNr).isEqualTo(3);
    }

    @Test
    void theMilanCaptureAgreesWithNps1() {
        // the capture has SMT off and one NUMA node: one node per package is inferred, as NPS1 has
        Topology file = Fixtures.read(Fixtures.EPYC_7763), preset = nps("epyc-7763-2s", 1);
        assertThat(file.nrNodes()).isEqualTo(preset.nrNodes());
        for (int k = 0; k < file.nrNodes(); k++) {
            CpuSet firstThreads = preset.nodeSpan(k).copy().and(CpuSet.range(preset.nrCpus(), 0, file.nrCpus()));
            assertThat(file.nodeSpan(k).toString()).isEqualTo(firstThreads.toString());
            for (int j = 0; j < file.nrNodes(); j++) assertThat(file.nodeDistance(k, j)).isEqualTo(preset.nodeDistance(k, j));
        }
    }

    @Test
    void badModesAreOneLineErrors() {
        assertThatThrownBy(() -> Presets.get("epyc-7763-2s:nps=3")).isInstanceOf(TopologyException.class)
                .hasMessage("epyc-7763-2s:nps=3: nps must be 1, 2 or 4 (nodes per socket), got '3'");
        assertThatThrownBy(() -> Presets.get("epyc-9654-2s:nps=")).hasMessageContaining("nps must be 1, 2 or 4");
        assertThatThrownBy(() -> Presets.get("epyc-7763-2s:numa=4")).hasMessageContaining("unknown option 'numa=4'");
        assertThatThrownBy(() -> TopologySources.resolve("desktop-8c16t:nps=2")).isInstanceOf(TopologyException.class)
                .hasMessageContaining("preset desktop-8c16t takes no options");
        assertThatThrownBy(() -> TopologySources.resolve("epyc-9754:nps=4")).hasMessageContaining("takes no options");
    }
}
