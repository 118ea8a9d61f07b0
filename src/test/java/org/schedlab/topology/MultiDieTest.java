package org.schedlab.topology;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.schedlab.topology.Fixtures.levelNames;
import static org.schedlab.topology.Fixtures.weights;

/**
 * AMD multi-die parts described with fewer NUMA nodes than dies get one node per die (as the hardware exposes
 * them), and node_reclaim_distance follows the CPU family (init_amd_zen_common: 32 on Zen, 30 before).
 */
class MultiDieTest {
    @TempDir Path tmp;

    /** hwloc's cpuset text: 32-bit hex words, most significant first. */
    private static String cpuset(BitSet s) {
        int words = Math.max(1, (s.length() + 31) / 32);
        StringBuilder b = new StringBuilder();
        for (int w = words - 1; w >= 0; w--) {
            long v = 0;
            for (int i = 0; i < 32; i++) if (s.get(32 * w + i)) v |= 1L << i;
            b.append(String.format("0x%08x", v)).append(w > 0 ? "," : "");
        }
        return b.toString();
    }

    private static BitSet range(int from, int to) {
        BitSet s = new BitSet();
        s.set(from, to);
        return s;
    }

    /**
     * An lstopo-like capture with one NUMA node for the whole machine: packages × dies × LLCs × cores × threads,
     * PUs numbered in that order, Die objects only if {@code withDies}.
     */
    private Path capture(String name, int family, int model, int packages, int dies, int llcs, int cores, int smt,
                         boolean withDies) throws IOException {
        int n = packages * dies * llcs * cores * smt;
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE topology SYSTEM \"hwloc2.dtd\">\n<topology version=\"2.0\">\n");
        String all = cpuset(range(0, n));
        x.append("<object type=\"Machine\" os_index=\"0\" cpuset=\"").append(all).append("\" nodeset=\"0x00000001\">\n");
        x.append("<object type=\"NUMANode\" os_index=\"0\" cpuset=\"").append(all).append("\" nodeset=\"0x00000001\"/>\n");
        int pu = 0;
        for (int p = 0; p < packages; p++) {
            int pw = dies * llcs * cores * smt;
            x.append("<object type=\"Package\" os_index=\"").append(p).append("\" cpuset=\"").append(cpuset(range(pu, pu + pw))).append("\">\n");
            x.append("<info name=\"CPUVendor\" value=\"AuthenticAMD\"/><info name=\"CPUFamilyNumber\" value=\"").append(family)
                    .append("\"/><info name=\"CPUModelNumber\" value=\"").append(model).append("\"/>\n");
            for (int d = 0; d < dies; d++) {
                int dw = llcs * cores * smt;
                if (withDies) x.append("<object type=\"Die\" os_index=\"").append(p * dies + d).append("\" cpuset=\"").append(cpuset(range(pu, pu + dw))).append("\">\n");
                for (int l = 0; l < llcs; l++) {
                    int lw = cores * smt;
                    x.append("<object type=\"L3Cache\" cpuset=\"").append(cpuset(range(pu, pu + lw))).append("\" cache_size=\"8388608\" depth=\"3\" cache_type=\"0\">\n");
                    for (int c = 0; c < cores; c++) {
                        String cs = cpuset(range(pu, pu + smt));
                        x.append("<object type=\"L2Cache\" cpuset=\"").append(cs).append("\" cache_size=\"524288\" depth=\"2\" cache_type=\"0\">");
                        x.append("<object type=\"Core\" os_index=\"").append(pu / smt).append("\" cpuset=\"").append(cs).append("\">");
                        for (int t = 0; t < smt; t++, pu++)
                            x.append("<object type=\"PU\" os_index=\"").append(pu).append("\" cpuset=\"").append(cpuset(range(pu, pu + 1))).append("\"/>");
                        x.append("</object></object>\n");
                    }
                    x.append("</object>\n");
                }
                if (withDies) x.append("</object>\n");
            }
            x.append("</object>\n");
        }
        x.append("</object>\n</topology>\n");
        Path f = tmp.resolve(name + ".xml");
        Files.writeString(f, x, StandardCharsets.UTF_8);
        return f;
    }

    private static Topology read(Path p, boolean keepNuma) {
        TopologySources.Options o = new TopologySources.Options();
        o.nodePerPackage = !keepNuma;
        return HwlocReader.read(p, o);
    }

    @Test
    void naplesGetsOneNodePerDieWithOrWithoutDieObjects() throws IOException {
        for (boolean withDies : new boolean[]{true, false}) {
            // 2 × EPYC 7601: 4 dies of 2 CCXs of 4 cores with SMT per package
            Topology t = read(capture("naples" + withDies, 23, 1, 2, 4, 2, 4, 2, withDies), false);
            assertThat(t.nrCpus()).isEqualTo(128);
            assertThat(t.nrNodes()).as("dies %s", withDies).isEqualTo(8);
            assertThat(t.nodeSpan(t.nodeOf(0)).cardinality()).isEqualTo(16);
            assertThat(t.nodeDistance(t.nodeOf(0), t.nodeOf(16))).isEqualTo(16);
            assertThat(t.nodeDistance(t.nodeOf(0), t.nodeOf(64))).isEqualTo(32);
            assertThat(t.notes()).anyMatch(n -> n.contains("Naples") && n.contains("8 nodes are inferred"));
            SchedDomains sds = SchedDomains.build(t);
            SchedDomain[] d = sds.of(0);
            // the kernel on Naples: SMT, the CCX, the die's node, the package's dies, the machine
            assertThat(levelNames(d)).containsExactly("SMT", "MC", "NODE", "NUMA-16", "NUMA-32");
            assertThat(weights(d)).containsExactly(2, 8, 16, 64, 128);
            assertThat(SchedDomains.reclaimDistance(t)).isEqualTo(32);
            assertThat(d[4].has(SchedDomain.SD_WAKE_AFFINE)).as("distance 32 is not beyond Zen's 32").isTrue();
        }
        // --keep-numa keeps the capture's single node
        assertThat(read(capture("naplesKeep", 23, 1, 2, 4, 2, 4, 2, true), true).nrNodes()).isEqualTo(1);
    }

    @Test
    void magnyCoursGetsOneNodePerDieAndTheK10ReclaimDistance() throws IOException {
        // 2 × Opteron 6174: 2 dies of 6 cores with one L3 each per package, no SMT, no Die objects
        Topology t = read(capture("magnycours", 16, 9, 2, 2, 1, 6, 1, false), false);
        assertThat(t.nrNodes()).isEqualTo(4);
        assertThat(t.nodeDistance(t.nodeOf(0), t.nodeOf(6))).isEqualTo(16);
        assertThat(t.nodeDistance(t.nodeOf(0), t.nodeOf(12))).isEqualTo(22);
        assertThat(SchedDomains.reclaimDistance(t)).isEqualTo(30);
        assertThat(levelNames(SchedDomains.build(t).of(0))).containsExactly("MC", "NUMA-16", "NUMA-22");
    }

    @Test
    void aZenPartThatIsNotMultiDieKeepsItsNodes() throws IOException {
        // family 0x19: Milan, one I/O die; a single-node capture of one package stays one node
        assertThat(read(capture("milan", 25, 1, 1, 1, 8, 8, 2, false), false).nrNodes()).isEqualTo(1);
    }

    @Test
    void reclaimDistanceDecidesWakeAffineAcrossNodes32Apart() {
        for (int family : new int[]{0x10, 0x15, 0x17, 0x19}) {
            TopologyBuilder b = new TopologyBuilder("two-nodes-" + family).vendor("AMD").cpuid(family, 1);
            for (int c = 0; c < 8; c++) b.cpu(c, c / 4, TopologyBuilder.NONE, c / 4, c / 4, TopologyBuilder.NONE, c, 1024);
            b.distances(new int[][]{{10, 32}, {32, 10}});
            SchedDomain numa = SchedDomains.build(b.build()).sdNuma(0);
            // 32 > 30 on K10 and Bulldozer: no wake_affine, fork or exec balancing across the nodes
            assertThat(numa.has(SchedDomain.SD_WAKE_AFFINE)).as("family 0x%x", family).isEqualTo(family >= 0x17);
            assertThat(numa.has(SchedDomain.SD_BALANCE_FORK)).isEqualTo(family >= 0x17);
        }
    }
}
