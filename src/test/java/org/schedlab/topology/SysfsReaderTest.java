package org.schedlab.topology;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.schedlab.topology.Fixtures.levelNames;
import static org.schedlab.topology.Fixtures.weights;
import static org.schedlab.topology.SchedDomain.*;

class SysfsReaderTest {
    @TempDir Path tmp;

    private static void put(Path f, String content) {
        try {
            Files.createDirectories(f.getParent());
            Files.writeString(f, content + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String list(int a, int b) { return a == b ? String.valueOf(a) : a + "-" + b; }

    /**
     * 2 packages x 2 LLCs x 2 cores x SMT2, numbered like x86 Linux (CPU i and i+8 are siblings), one NUMA node
     * per package at distance 21, AMD modalias.
     */
    private Path twoSocketSmt() {
        Path sys = tmp.resolve("system");
        Path cpu = sys.resolve("cpu");
        put(cpu.resolve("online"), "0-15");
        put(cpu.resolve("modalias"), "cpu:type:x86,ven0002fam0019mod0011:feature:,0000,0001");
        for (int c = 0; c < 16; c++) {
            int core = c % 8, pkg = core / 4, llc = core / 2;
            Path t = cpu.resolve("cpu" + c).resolve("topology");
            put(t.resolve("physical_package_id"), String.valueOf(pkg));
            put(t.resolve("die_id"), "0");
            put(t.resolve("core_id"), String.valueOf(core % 4));
            put(t.resolve("thread_siblings_list"), core + "," + (core + 8));
            put(t.resolve("core_cpus_list"), core + "," + (core + 8));
            put(t.resolve("cluster_cpus_list"), core + "," + (core + 8));
            Path cache = cpu.resolve("cpu" + c).resolve("cache");
            cache(cache.resolve("index0"), 1, "Data", core + "," + (core + 8), "32K");
            cache(cache.resolve("index1"), 1, "Instruction", core + "," + (core + 8), "32K");
            cache(cache.resolve("index2"), 2, "Unified", core + "," + (core + 8), "1024K");
            cache(cache.resolve("index3"), 3, "Unified", list(2 * llc, 2 * llc + 1) + "," + list(2 * llc + 8, 2 * llc + 9), "32768K");
        }
        put(sys.resolve("node/node0/cpulist"), "0-3,8-11");
        put(sys.resolve("node/node0/distance"), "10 21");
        put(sys.resolve("node/node1/cpulist"), "4-7,12-15");
        put(sys.resolve("node/node1/distance"), "21 10");
        return sys;
    }

    private static void cache(Path idx, int level, String type, String shared, String size) {
        put(idx.resolve("level"), String.valueOf(level));
        put(idx.resolve("type"), type);
        put(idx.resolve("shared_cpu_list"), shared);
        put(idx.resolve("size"), size);
    }

    private static Topology read(Path p) { return SysfsReader.read(p, new TopologySources.Options()); }

    @Test
    void twoSocketsWithTwoLlcsEach() {
        Topology t = read(twoSocketSmt());
        assertThat(t.name()).isEqualTo("system");
        assertThat(t.vendor()).isEqualTo("AMD");
        assertThat(t.nrCpus()).isEqualTo(16);
        assertThat(t.nrCores()).isEqualTo(8);
        assertThat(t.smt()).isEqualTo(2);
        assertThat(t.nrLlcs()).isEqualTo(4);
        assertThat(t.llcSpan(t.llcOf(0))).hasToString("0-1,8-9");
        assertThat(t.llcBytes(0)).isEqualTo(32L << 20);
        assertThat(t.l2Bytes(t.coreOf(0))).isEqualTo(1L << 20);
        assertThat(t.hasClusters()).isFalse();
        assertThat(t.hasDies()).isFalse();
        assertThat(t.nrDies()).isEqualTo(2);
        assertThat(t.nrPackages()).isEqualTo(2);
        assertThat(t.nrNodes()).isEqualTo(2);
        assertThat(t.nodeDistance(0, 1)).isEqualTo(21);
        assertThat(t.notes()).isEmpty();

        SchedDomains sds = SchedDomains.build(t);
        SchedDomain[] d = sds.of(0);
        assertThat(levelNames(d)).containsExactly("SMT", "MC", "PKG", "NUMA");
        assertThat(weights(d)).containsExactly(2, 4, 8, 16);
        assertThat(d[2].span).hasToString("0-3,8-11");
        assertThat(d[3].numaDistance).isEqualTo(21);
        assertThat(sds.llcId(9)).isEqualTo(0);
    }

    @Test
    void theCpuDirectoryAloneFindsTheNodesBesideIt() {
        Path sys = twoSocketSmt();
        Topology t = read(sys.resolve("cpu"));
        assertThat(t.nrCpus()).isEqualTo(16);
        assertThat(t.nrNodes()).isEqualTo(2);
        assertThat(t.nodeDistance(1, 0)).isEqualTo(21);
    }

    @Test
    void offlineCpusAreLeftOut() {
        Path sys = twoSocketSmt();
        put(sys.resolve("cpu/online"), "0-14");
        Topology t = read(sys);
        assertThat(t.nrCpus()).isEqualTo(15);
        assertThat(t.coreSpan(t.coreOf(7))).hasToString("7");
        assertThat(t.nrCores()).isEqualTo(8);
    }

    @Test
    void withoutNodeDirectoryEachPackageBecomesANode() throws IOException {
        Path sys = twoSocketSmt();
        try (var s = Files.walk(sys.resolve("node"))) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Topology t = read(sys);
        assertThat(t.nrNodes()).isEqualTo(2);
        assertThat(t.nodeDistance(0, 1)).isEqualTo(32);
        assertThat(t.notes()).singleElement().asString().contains("assuming one node per package");
        TopologySources.Options keep = new TopologySources.Options();
        keep.nodePerPackage = false;
        assertThat(SysfsReader.read(sys, keep).nrNodes()).isEqualTo(1);
    }

    @Test
    void everyX86VendorNumberOfTheModalias() {
        Path sys = twoSocketSmt();
        String[][] cases = {{"0000", "Intel"}, {"0002", "AMD"}, {"0005", "Centaur"}, {"0009", "Hygon"}, {"000A", "Zhaoxin"},
                {"00FF", "unknown"}};
        for (String[] c : cases) {
            put(sys.resolve("cpu/modalias"), "cpu:type:x86,ven" + c[0] + "fam0018mod0000:feature:,0000,0001");
            assertThat(read(sys).vendor()).as("ven%s", c[0]).isEqualTo(c[1]);
        }
    }

    @Test
    void diesAppearWhenAPackageHasSeveral() {
        Path sys = twoSocketSmt();
        for (int c = 0; c < 16; c++) put(sys.resolve("cpu/cpu" + c + "/topology/die_id"), String.valueOf((c % 8) / 2 % 2));
        Topology t = read(sys);
        assertThat(t.hasDies()).isTrue();
        assertThat(t.nrDies()).isEqualTo(4);
    }

    /** An Arm big.LITTLE part: 4 little + 4 big cores, a cluster per kind, one shared L3, cpu_capacity given. */
    private Path armBigLittle() {
        Path cpu = tmp.resolve("cpu");
        put(cpu.resolve("modalias"), "cpu:type:aarch64:feature:,0000,0001");
        for (int c = 0; c < 8; c++) {
            Path t = cpu.resolve("cpu" + c).resolve("topology");
            put(t.resolve("physical_package_id"), "0");
            put(t.resolve("core_id"), String.valueOf(c));
            put(t.resolve("thread_siblings_list"), String.valueOf(c));
            put(t.resolve("cluster_cpus_list"), c < 4 ? "0-3" : "4-7");
            put(cpu.resolve("cpu" + c).resolve("cpu_capacity"), c < 4 ? "446" : "1024");
            Path cache = cpu.resolve("cpu" + c).resolve("cache");
            cache(cache.resolve("index0"), 1, "Data", String.valueOf(c), "64K");
            cache(cache.resolve("index2"), 2, "Unified", String.valueOf(c), c < 4 ? "128K" : "512K");
            cache(cache.resolve("index3"), 3, "Unified", "0-7", "4096K");
        }
        return cpu;
    }

    @Test
    void armBigLittleWithCapacities() {
        Topology t = read(armBigLittle());
        assertThat(t.vendor()).isEqualTo("Arm");
        assertThat(t.nrCpus()).isEqualTo(8);
        assertThat(t.nrCores()).isEqualTo(8);
        assertThat(t.smt()).isEqualTo(1);
        assertThat(t.nrLlcs()).isEqualTo(1);
        assertThat(t.llcBytes(0)).isEqualTo(4L << 20);
        assertThat(t.hasClusters()).isTrue();
        assertThat(t.nrClusters()).isEqualTo(2);
        assertThat(t.capacityOf(0)).isEqualTo(446);
        assertThat(t.capacityOf(7)).isEqualTo(1024);
        assertThat(t.l2Bytes(t.coreOf(5))).isEqualTo(512L << 10);
        assertThat(t.nrNodes()).isEqualTo(1);

        SchedDomains sds = SchedDomains.build(t);
        SchedDomain[] d = sds.of(0);
        assertThat(levelNames(d)).containsExactly("CLS", "MC");
        assertThat(d[0].span).hasToString("0-3");
        assertThat(d[0].has(SD_ASYM_CPUCAPACITY)).isFalse();
        assertThat(d[1].has(SD_ASYM_CPUCAPACITY_FULL)).isTrue();
        assertThat(d[1].nrGroups()).isEqualTo(2);
        assertThat(d[1].group(1).capacity).isEqualTo(4 * 1024);
        // the child of an asymmetric level loses PREFER_SIBLING
        assertThat(d[0].has(SD_PREFER_SIBLING)).isFalse();
    }

    @Test
    void withoutCachesThePackageIsTheLlc() throws IOException {
        Path cpu = armBigLittle();
        for (int c = 0; c < 8; c++) {
            try (var s = Files.walk(cpu.resolve("cpu" + c + "/cache"))) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Topology t = read(cpu);
        assertThat(t.nrLlcs()).isEqualTo(1);
        assertThat(t.notes()).singleElement().asString().contains("no cache information");
    }

    @Test
    void missingRequiredFileIsNamed() throws IOException {
        Path sys = twoSocketSmt();
        Path f = sys.resolve("cpu/cpu3/topology/physical_package_id");
        Files.delete(f);
        assertThatThrownBy(() -> read(sys)).isInstanceOf(TopologyException.class)
                .hasMessage(f + ": missing, expected the CPU's package number");
    }

    @Test
    void missingSiblingListsAndBadContent() throws IOException {
        Path sys = twoSocketSmt();
        Files.delete(sys.resolve("cpu/cpu2/topology/core_cpus_list"));
        Path sib = sys.resolve("cpu/cpu2/topology/thread_siblings_list");
        Files.delete(sib);
        assertThatThrownBy(() -> read(sys)).hasMessageStartingWith(sib + ": missing, expected").hasMessageNotContaining("\n");
        put(sib, "2,x");
        assertThatThrownBy(() -> read(sys)).hasMessageStartingWith(sib + ": '2,x' is not a CPU list").hasMessageNotContaining("\n");
        put(sib, "2,10");
        Path dist = sys.resolve("node/node1/distance");
        put(dist, "21");
        assertThatThrownBy(() -> read(sys)).isInstanceOf(TopologyException.class)
                .hasMessage(dist + ": 1 distances, expected 2 (one per node)");
        put(dist, "21 10");
        put(sys.resolve("cpu/cpu1/cache/index3/size"), "lots");
        assertThatThrownBy(() -> read(sys)).hasMessageContaining("expected a size such as 32768K");
        put(sys.resolve("cpu/cpu1/cache/index3/size"), "32768K");
        put(sys.resolve("cpu/online"), "0-16");
        assertThatThrownBy(() -> read(sys)).hasMessage(sys.resolve("cpu/cpu16") + ": missing, expected a directory for online CPU 16");
    }

    /** Numbers the kernel prints as int (or a cache size as unsigned KiB) are checked, never cast around. */
    @Test
    void numbersOutsideTheirRangeAreOneLineErrorsNamingTheFile() {
        Path sys = twoSocketSmt();
        Path cap = sys.resolve("cpu/cpu2/cpu_capacity");
        put(cap, "4294968320");   // 2^32 + 1024: as an int, 1024
        assertThatThrownBy(() -> read(sys)).isInstanceOf(TopologyException.class)
                .hasMessage(cap + ": '4294968320', expected the CPU's capacity, 1 to 1024");
        put(cap, "1024");
        Path level = sys.resolve("cpu/cpu1/cache/index3/level");
        put(level, "4294967299");   // 2^32 + 3: as an int, 3
        assertThatThrownBy(() -> read(sys)).isInstanceOf(TopologyException.class)
                .hasMessage(level + ": '4294967299', expected the cache level, 1 to 9");
        put(level, "3");
        Path die = sys.resolve("cpu/cpu5/topology/die_id");
        put(die, "4294967296");   // 2^32: as an int, die 0
        assertThatThrownBy(() -> read(sys)).isInstanceOf(TopologyException.class)
                .hasMessage(die + ": '4294967296', expected the CPU's die number, -1 to 2147483647");
        put(die, "0");
        Path pkg = sys.resolve("cpu/cpu5/topology/physical_package_id");
        put(pkg, "-2");
        assertThatThrownBy(() -> read(sys)).hasMessage(pkg + ": '-2', expected the CPU's package number, -1 to 2147483647");
        put(pkg, "1");
        Path size = sys.resolve("cpu/cpu1/cache/index3/size");
        put(size, "9999999999G");   // shifted into a long it wraps around
        assertThatThrownBy(() -> read(sys)).isInstanceOf(TopologyException.class)
                .hasMessage(size + ": '9999999999G', expected a size such as 32768K, at most 4194303K");
        put(size, "4194304K");   // 4 GiB: one byte more than an unsigned int holds
        assertThatThrownBy(() -> read(sys)).hasMessageEndingWith("at most 4194303K");
        put(size, "32768K");
        assertThat(read(sys).llcBytes(0)).isEqualTo(32L << 20);
    }

    @Test
    void aNodeDirectoryBeyondTheKernelsNodeNumbersIsAOneLineError() throws IOException {
        Path sys = twoSocketSmt();
        Path huge = sys.resolve("node/node99999999999");
        put(huge.resolve("cpulist"), "");
        assertThatThrownBy(() -> read(sys)).isInstanceOf(TopologyException.class)
                .hasMessage(huge + ": node number 99999999999 outside 0-1023 (the kernel's MAX_NUMNODES is 1024)");
        try (var s = Files.walk(huge)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        put(sys.resolve("node/node1024/cpulist"), "");
        assertThatThrownBy(() -> read(sys)).hasMessageContaining("node number 1024 outside 0-1023");
    }

    @Test
    void notASysfsDirectory() throws IOException {
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        assertThatThrownBy(() -> read(empty)).isInstanceOf(TopologyException.class)
                .hasMessageStartingWith(empty + ": not a sysfs directory").hasMessageNotContaining("\n");
    }

    @Test
    void thisMachineReadsOrFailsCleanly() {
        assumeThat(Files.isDirectory(Path.of("/sys/devices/system/cpu"))).isTrue();
        try {
            Topology t = TopologySources.resolve("host");
            assertThat(t.name()).isEqualTo("host");
            assertThat(t.nrCpus()).isPositive();
            assertThat(SchedDomains.build(t).nrCpus()).isEqualTo(t.nrCpus());
        } catch (TopologyException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
        }
    }
}
