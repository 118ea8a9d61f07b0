package org.schedlab.topology;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.schedlab.topology.Fixtures.levelNames;

/**
 * The limits of a machine: at most {@link Topology#MAX_CPUS} CPUs and {@link Topology#MAX_NUMNODES} nodes, refused
 * in one line beyond them (never wrapped around, never an out-of-memory error), and the sched domains of the
 * largest machines built without work or memory that grows faster than the CPUs times the groups of their domains.
 * The timeouts only guard against a hang.
 */
class BigMachinesTest {
    @Test
    void cpuCountsThatOverflowAnIntAreRefused() {
        // 3 x 1431655766 = 4294967298 = 2^32 + 2: as an int, a 2-CPU machine
        assertThatThrownBy(() -> Synthetic.parse("synthetic:packages=3,cores=1431655766"))
                .isInstanceOf(TopologyException.class)
                .hasMessage("synthetic:packages=3,cores=1431655766: 4294967298 CPUs, at most 65536 supported");
        assertThatThrownBy(() -> Synthetic.parse("synthetic:packages=2147483647,nodes=2147483647,llcs=2147483647,cores=2147483647,smt=2147483647"))
                .isInstanceOf(TopologyException.class).hasMessageContaining("CPUs, at most 65536 supported");
        assertThatThrownBy(() -> Synthetic.parse("synthetic:cores=65537")).hasMessageEndingWith("65537 CPUs, at most 65536 supported");
    }

    @Test
    void moreNodesThanTheKernelsMaximumAreRefused() {
        // 65536 one-CPU packages would be 65536 nodes: a 16 GiB distance matrix
        assertThatThrownBy(() -> Synthetic.parse("synthetic:packages=65536"))
                .isInstanceOf(TopologyException.class)
                .hasMessage("synthetic:packages=65536: 65536 NUMA nodes, at most 1024 supported (the kernel's MAX_NUMNODES)");
        TopologyBuilder b = new TopologyBuilder("many-nodes");
        for (int c = 0; c < 1025; c++) b.cpu(c, c, TopologyBuilder.NONE, c, c, TopologyBuilder.NONE, c, 1024);
        assertThatThrownBy(b::build).isInstanceOf(TopologyException.class)
                .hasMessage("many-nodes: 1025 NUMA nodes, at most 1024 supported (the kernel's MAX_NUMNODES)");
        assertThat(Synthetic.parse("synthetic:packages=1024").nrNodes()).isEqualTo(1024);
    }

    @Test
    void aCaptureOfMorePackagesThanNodesCanBeIsRefused(@TempDir Path tmp) throws IOException {
        // one node per package is inferred for a capture without NUMA nodes: 1025 packages would be 1025 nodes
        Path f = tmp.resolve("many-packages.xml");
        Files.writeString(f, Fixtures.machine("2.0", 1025, 1, 1, false, null));
        assertThatThrownBy(() -> HwlocReader.read(f, new TopologySources.Options())).isInstanceOf(TopologyException.class)
                .hasMessage(f + ": 1025 NUMA nodes, at most 1024 supported (the kernel's MAX_NUMNODES)");
        TopologySources.Options keep = new TopologySources.Options();
        keep.nodePerPackage = false;
        assertThat(HwlocReader.read(f, keep).nrPackages()).isEqualTo(1025);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sixtyFiveThousandCpusInOneLlc() {
        Topology t = Synthetic.parse("synthetic:cores=65536");
        assertThat(t.nrCpus()).isEqualTo(65536);
        SchedDomains sds = SchedDomains.build(t);
        SchedDomain mc = sds.of(40000)[0];
        assertThat(levelNames(sds.of(40000))).containsExactly("MC");
        assertThat(mc.nrGroups()).isEqualTo(65536);
        // the walk from CPU 40000, wrapping: {40000}, {40001}, ..., {65535}, {0}, ..., {39999}
        assertThat(mc.localGroup().span).hasToString("40000");
        assertThat(mc.group(1).span).hasToString("40001");
        assertThat(mc.group(25535).span).hasToString("65535");
        assertThat(mc.group(25536).span).hasToString("0");
        assertThat(mc.group(65535).span).hasToString("39999");
        // every CPU sees the same groups
        assertThat(sds.of(7)[0].group(0)).isSameAs(mc.group(65536 - 40000 + 7));
        assertThat(sds.llcSize(12345)).isEqualTo(65536);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sixtyFiveThousandCpusInAThousandNodes() {
        // 1024 nodes of 32 cores with SMT2; distance 12 within a package of 2 nodes, 32 beyond
        Topology t = Synthetic.parse("synthetic:packages=512,nodes=2,llcs=2,cores=16,smt=2");
        assertThat(t.nrCpus()).isEqualTo(65536);
        assertThat(t.nrNodes()).isEqualTo(1024);
        SchedDomains sds = SchedDomains.build(t);
        SchedDomain[] d = sds.of(32768 + 5);
        assertThat(levelNames(d)).containsExactly("SMT", "MC", "NODE", "NUMA-12", "NUMA-32");
        assertThat(d[4].spanWeight).isEqualTo(65536);
        assertThat(d[4].nrGroups()).isEqualTo(512);
        assertThat(d[4].localGroup().span.get(5)).isTrue();
        assertThat(d[3].nrGroups()).isEqualTo(2);
        assertThat(d[2].nrGroups()).isEqualTo(2);
    }

    @Test
    void groupsFollowTheWalkOnIrregularMachines() {
        // LLCs interleaved across CPU numbers: the walk order from a CPU is not a rotation of one shared ring
        TopologyBuilder b = new TopologyBuilder("interleaved");
        int[] llc = {0, 1, 0, 2, 1, 2, 0, 1};
        for (int c = 0; c < 8; c++) b.cpu(c, 0, TopologyBuilder.NONE, 0, llc[c], TopologyBuilder.NONE, c, 1024);
        Topology t = b.build();
        SchedDomains sds = SchedDomains.build(t);
        for (int cpu = 0; cpu < 8; cpu++) {
            SchedDomain top = sds.of(cpu)[sds.of(cpu).length - 1];
            java.util.List<CpuSet> walk = new java.util.ArrayList<>();
            for (int k = 0; k < 8; k++) {
                int i = (cpu + k) % 8;
                if (walk.stream().noneMatch(s -> s.get(i))) walk.add(t.llcSpan(t.llcOf(i)));
            }
            assertThat(top.nrGroups()).isEqualTo(3);
            for (int g = 0; g < 3; g++) assertThat(top.group(g).span).as("cpu %d group %d", cpu, g).isEqualTo(walk.get(g));
        }
    }
}
