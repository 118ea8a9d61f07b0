package org.schedlab.topology;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.schedlab.topology.SchedDomain.*;

class SchedDomainsTest {
    private static String[] names(SchedDomain[] sds) {
        return Arrays.stream(sds).map(d -> d.name).toArray(String[]::new);
    }

    @Test
    void milanMatchesTheWorkedExample() {
        Topology t = Presets.get("epyc-7763-2s");
        assertThat(t.nrCpus()).isEqualTo(256);
        assertThat(t.isSmtSibling(5, 133)).isTrue();
        SchedDomains sds = SchedDomains.build(t);
        SchedDomain[] d = sds.of(0);
        assertThat(names(d)).containsExactly("SMT", "MC", "PKG", "NUMA");
        assertThat(d[0].spanWeight).isEqualTo(2);
        assertThat(d[0].nrGroups()).isEqualTo(2);
        assertThat(d[0].imbalancePct).isEqualTo(110);
        assertThat(d[0].cacheNiceTries).isZero();
        assertThat(d[1].spanWeight).isEqualTo(16);
        assertThat(d[1].nrGroups()).isEqualTo(8);
        assertThat(d[1].cacheNiceTries).isEqualTo(1);
        assertThat(d[1].group(0).flags & SD_SHARE_CPUCAPACITY).isNotZero();
        assertThat(d[2].spanWeight).isEqualTo(128);
        assertThat(d[2].nrGroups()).isEqualTo(8);
        assertThat(d[2].imbNumaNr).isEqualTo(8);
        assertThat(d[3].spanWeight).isEqualTo(256);
        assertThat(d[3].nrGroups()).isEqualTo(2);
        assertThat(d[3].cacheNiceTries).isEqualTo(2);
        assertThat(d[3].imbNumaNr).isEqualTo(8);
        assertThat(d[3].has(SD_SERIALIZE)).isTrue();
        assertThat(d[3].has(SD_PREFER_SIBLING)).isFalse();
        assertThat(d[3].has(SD_WAKE_AFFINE)).isTrue();
        assertThat(d[3].minIntervalMs).isEqualTo(256);
        assertThat(d[3].maxIntervalMs).isEqualTo(512);
        assertThat(sds.sdLlc(0)).isSameAs(d[1]);
        assertThat(sds.sdNuma(0)).isSameAs(d[3]);
        assertThat(sds.llcId(130)).isEqualTo(0);
        assertThat(sds.llcSize(130)).isEqualTo(16);
        assertThat(sds.llcId(9)).isEqualTo(8);
        assertThat(sds.migrationLevel(0, 200)).isEqualTo("NUMA");
    }

    @Test
    void nps4DropsPkgAndBuildsTwoNumaLevels() {
        RegularMachine m = new RegularMachine();
        m.packages = 2; m.nodesPerPackage = 4; m.llcsPerNode = 2; m.coresPerLlc = 8; m.smt = 2; m.vendor = "AMD";
        SchedDomains sds = SchedDomains.build(m.build());
        SchedDomain[] d = sds.of(0);
        assertThat(names(d)).containsExactly("SMT", "MC", "NODE", "NUMA-12", "NUMA-32");
        assertThat(Arrays.stream(d).mapToInt(x -> x.spanWeight).toArray()).containsExactly(2, 16, 32, 128, 256);
        assertThat(d[2].imbNumaNr).isEqualTo(2);
        assertThat(d[3].imbNumaNr).isEqualTo(2);
        assertThat(d[4].imbNumaNr).isEqualTo(4);
        assertThat(d[3].nrGroups()).isEqualTo(4);
        assertThat(d[4].nrGroups()).isEqualTo(2);
    }

    @Test
    void flatMachineWithoutSmtHasOnlyMc() {
        SchedDomains sds = SchedDomains.build(Synthetic.parse("synthetic:llcs=1,cores=24,smt=1"));
        assertThat(names(sds.of(3))).containsExactly("MC");
        assertThat(sds.of(3)[0].nrGroups()).isEqualTo(24);
        assertThat(sds.of(3)[0].group(0).span.first()).isEqualTo(3);
        assertThat(sds.of(3)[0].group(1).span.first()).isEqualTo(4);
        assertThat(sds.of(3)[0].group(23).span.first()).isEqualTo(2);
    }

    /** Groups come in the order their first member is met walking the span from the CPU, wrapping. */
    @Test
    void groupOrderFollowsTheWrappingWalkFromEachCpu() {
        for (String src : new String[]{"epyc-7763-2s", "epyc-7763-2s:nps=4", "synthetic:packages=2,nodes=2,llcs=2,cores=3,smt=2", "desktop-8c16t"}) {
            Topology t = TopologySources.resolve(src);
            SchedDomains sds = SchedDomains.build(t);
            for (int cpu = 0; cpu < t.nrCpus(); cpu++) {
                for (SchedDomain sd : sds.of(cpu)) {
                    java.util.List<SchedGroup> groups = new java.util.ArrayList<>();
                    for (int g = 0; g < sd.nrGroups(); g++) groups.add(sd.group(g));
                    java.util.List<SchedGroup> walk = new java.util.ArrayList<>();
                    int w = sd.spanWeight;
                    int i = sd.span.nextSetBitWrap(cpu);
                    for (int k = 0; k < w; k++, i = sd.span.nextSetBitWrap(i + 1)) {
                        for (SchedGroup g : groups)
                            if (g.span.get(i) && !walk.contains(g)) walk.add(g);
                    }
                    assertThat(walk).as("%s cpu %d %s", src, cpu, sd.name).containsExactlyElementsOf(groups);
                }
            }
        }
    }

    /**
     * Groups of one level with the same span are one object whichever CPU meets them, so state kept per group (the
     * group_imbalance flag) is shared as the kernel shares sg->sgc: init_overlap_sched_group takes the sgc of the
     * group's balance CPU, and equal spans have equal balance masks (build_balance_mask).
     */
    @Test
    void groupsWithOneSpanAreOneGroupAsTheirSgcIs() {
        for (String src : new String[]{"epyc-7763-2s:nps=4", "synthetic:packages=4,nodes=2,llcs=1,cores=2,smt=1", "epyc-7763-2s"}) {
            Topology t = TopologySources.resolve(src);
            SchedDomains sds = SchedDomains.build(t);
            java.util.Map<String, java.util.Map<CpuSet, SchedGroup>> byLevel = new java.util.HashMap<>();
            for (int cpu = 0; cpu < t.nrCpus(); cpu++)
                for (SchedDomain sd : sds.of(cpu))
                    for (int g = 0; g < sd.nrGroups(); g++) {
                        SchedGroup group = sd.group(g);
                        SchedGroup seen = byLevel.computeIfAbsent(sd.name, x -> new java.util.HashMap<>())
                                .putIfAbsent(group.span, group);
                        if (seen != null)
                            assertThat(group).as("%s cpu %d %s group %s", src, cpu, sd.name, group.span).isSameAs(seen);
                    }
        }
        // NPS4: the four nodes of socket 0 have the same nodes within distance 12, so CPUs 0 (node 0), 16 (node 1)
        // and 80 (node 5, walking into socket 0) see one NUMA-32 group for socket 0
        SchedDomains nps4 = SchedDomains.build(TopologySources.resolve("epyc-7763-2s:nps=4"));
        SchedDomain[] d0 = nps4.of(0), d16 = nps4.of(16), d80 = nps4.of(80);
        assertThat(d0[d0.length - 1].name).isEqualTo("NUMA-32");
        assertThat(d16[d16.length - 1].localGroup()).isSameAs(d0[d0.length - 1].localGroup());
        assertThat(d80[d80.length - 1].group(1)).isSameAs(d0[d0.length - 1].localGroup());
    }
}
