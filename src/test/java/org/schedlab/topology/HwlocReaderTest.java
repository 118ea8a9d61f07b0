package org.schedlab.topology;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.schedlab.topology.Fixtures.*;
import static org.schedlab.topology.SchedDomain.*;

class HwlocReaderTest {
    @TempDir Path tmp;

    private Path write(String name, String content) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private static Topology read(Path p) { return HwlocReader.read(p, new TopologySources.Options()); }

    private static Topology readKeepingNuma(Path p) {
        TopologySources.Options o = new TopologySources.Options();
        o.nodePerPackage = false;
        return HwlocReader.read(p, o);
    }

    // ------------------------------------------------------------------------------ the real captures

    @Test
    void epyc9654() {
        Topology t = Fixtures.read(EPYC_9654);
        assertThat(t.name()).isEqualTo("AMD-19h-Zen4-2xEpyc-9654");
        assertThat(t.vendor()).isEqualTo("AMD");
        assertThat(t.nrCpus()).isEqualTo(384);
        assertThat(t.nrCores()).isEqualTo(192);
        assertThat(t.nrLlcs()).isEqualTo(24);
        for (int l = 0; l < t.nrLlcs(); l++) {
            assertThat(t.llcSpan(l).cardinality()).isEqualTo(16);
            assertThat(t.llcBytes(l)).isEqualTo(32L << 20);
        }
        assertThat(t.hasDies()).isTrue();
        assertThat(t.nrDies()).isEqualTo(24);
        assertThat(t.nrPackages()).isEqualTo(2);
        assertThat(t.nrNodes()).isEqualTo(2);
        assertThat(t.nodeDistance(0, 1)).isEqualTo(32);
        assertThat(t.smt()).isEqualTo(2);
        assertThat(t.hasClusters()).isFalse();
        assertThat(t.isAsymCapacity()).isFalse();
        assertThat(t.l2Bytes(t.coreOf(0))).isEqualTo(1L << 20);
        assertThat(t.isSmtSibling(0, 192)).isTrue();
        assertThat(t.notes()).singleElement().asString()
                .contains(EPYC_9654, "1 NUMA node for 2 packages", "one node per package", "32 remote");

        SchedDomain[] d = SchedDomains.build(t).of(0);
        assertThat(levelNames(d)).containsExactly("SMT", "MC", "PKG", "NUMA");
        assertThat(weights(d)).containsExactly(2, 16, 192, 384);
        assertThat(d[0].span).hasToString("0,192");
        assertThat(d[1].span).hasToString("0-7,192-199");
        assertThat(d[2].span).hasToString("0-95,192-287");
        assertThat(d[2].nrGroups()).isEqualTo(12);
        assertThat(d[3].nrGroups()).isEqualTo(2);
    }

    @Test
    void epyc7763WithSmtOff() {
        Topology t = Fixtures.read(EPYC_7763);
        assertThat(t.vendor()).isEqualTo("AMD");
        assertThat(t.nrCpus()).isEqualTo(128);
        assertThat(t.nrCores()).isEqualTo(128);
        assertThat(t.smt()).isEqualTo(1);
        assertThat(t.nrLlcs()).isEqualTo(16);
        for (int l = 0; l < t.nrLlcs(); l++) assertThat(t.llcSpan(l).cardinality()).isEqualTo(8);
        assertThat(t.hasDies()).isFalse();
        assertThat(t.nrDies()).isEqualTo(2);
        assertThat(t.nrPackages()).isEqualTo(2);
        assertThat(t.nrNodes()).isEqualTo(2);
        assertThat(t.l2Bytes(0)).isEqualTo(512L << 10);

        SchedDomain[] d = SchedDomains.build(t).of(0);
        assertThat(levelNames(d)).containsExactly("MC", "PKG", "NUMA");
        assertThat(weights(d)).containsExactly(8, 64, 128);
        assertThat(d[0].span).hasToString("0-7");
        assertThat(d[1].span).hasToString("0-63");
    }

    @Test
    void xeonMax9460() {
        Topology t = Fixtures.read(XEON_MAX);
        assertThat(t.vendor()).isEqualTo("Intel");
        assertThat(t.nrCpus()).isEqualTo(160);
        assertThat(t.nrCores()).isEqualTo(80);
        assertThat(t.nrLlcs()).isEqualTo(2);
        assertThat(t.llcSpan(0).cardinality()).isEqualTo(80);
        assertThat(t.nrDies()).isEqualTo(2);
        assertThat(t.nrPackages()).isEqualTo(2);
        assertThat(t.nrNodes()).isEqualTo(2);
        assertThat(t.nodeDistance(1, 0)).isEqualTo(21);
        assertThat(t.smt()).isEqualTo(2);
        assertThat(t.notes()).singleElement().asString().contains("21 remote");

        SchedDomain[] d = SchedDomains.build(t).of(0);
        // PKG spans the same CPUs as MC (one LLC per socket) and degenerates
        assertThat(levelNames(d)).containsExactly("SMT", "MC", "NUMA");
        assertThat(weights(d)).containsExactly(2, 80, 160);
        assertThat(d[1].span).hasToString("0-39,80-119");
    }

    @Test
    void raptorLakeHybrid() {
        Topology t = Fixtures.read(RAPTOR_LAKE);
        assertThat(t.vendor()).isEqualTo("Intel");
        assertThat(t.nrCpus()).isEqualTo(20);
        assertThat(t.nrCores()).isEqualTo(14);
        assertThat(t.nrLlcs()).isEqualTo(1);
        assertThat(t.llcBytes(0)).isEqualTo(24L << 20);
        assertThat(t.nrDies()).isEqualTo(1);
        assertThat(t.nrPackages()).isEqualTo(1);
        assertThat(t.nrNodes()).isEqualTo(1);
        assertThat(t.smt()).isEqualTo(2);
        // 6 P-cores with two threads each (CPUs 0-11), 8 E-cores in two L2 clusters of four (CPUs 12-19)
        for (int c = 0; c < 12; c++) {
            assertThat(t.coreSpan(t.coreOf(c)).cardinality()).isEqualTo(2);
            assertThat(t.capacityOf(c)).isEqualTo(1024);
            assertThat(t.clusterSpan(t.clusterOf(c))).isEqualTo(t.coreSpan(t.coreOf(c)));
        }
        for (int c = 12; c < 20; c++) {
            assertThat(t.coreSpan(t.coreOf(c)).cardinality()).isEqualTo(1);
            assertThat(t.capacityOf(c)).isEqualTo(HwlocReader.LOW_KIND_CAPACITY).isLessThan(1024);
        }
        assertThat(t.hasClusters()).isTrue();
        assertThat(t.clusterSpan(t.clusterOf(12))).hasToString("12-15");
        assertThat(t.clusterSpan(t.clusterOf(19))).hasToString("16-19");
        assertThat(t.l2Bytes(t.coreOf(12))).isEqualTo(2L << 20);
        assertThat(t.notes()).singleElement().asString().contains("capacities estimated");

        SchedDomains sds = SchedDomains.build(t);
        SchedDomain[] p = sds.of(0);
        assertThat(levelNames(p)).containsExactly("SMT", "MC");
        assertThat(weights(p)).containsExactly(2, 20);
        SchedDomain[] e = sds.of(12);
        assertThat(levelNames(e)).containsExactly("CLS", "MC");
        assertThat(e[0].span).hasToString("12-15");
        assertThat(e[0].has(SD_CLUSTER)).isTrue();
        // with SMT, intel_pstate leaves every capacity at 1024 and ITMT asks for asym packing instead
        assertThat(e[1].has(SD_ASYM_CPUCAPACITY)).isFalse();
        assertThat(e[1].has(SchedDomain.SD_ASYM_PACKING)).isTrue();
        assertThat(e[1].nrGroups()).isEqualTo(8);
        assertThat(sds.sdAsymCpuCapacity(12)).isNull();
        assertThat(sds.sdAsymPacking(12)).isSameAs(e[1]);
    }

    @Test
    void keepNumaKeepsTheFilesSingleNode() {
        Topology t = readKeepingNuma(hwloc(EPYC_9654));
        assertThat(t.nrNodes()).isEqualTo(1);
        assertThat(t.nrPackages()).isEqualTo(2);
        assertThat(t.notes()).isEmpty();
        assertThat(levelNames(SchedDomains.build(t).of(0))).containsExactly("SMT", "MC", "PKG");
    }

    // ------------------------------------------------------------------------------ presets agree with captures

    @Test
    void epyc9654PresetMatchesItsCapture() {
        Topology file = Fixtures.read(EPYC_9654), preset = Presets.get("epyc-9654-2s");
        assertThat(preset.nrCpus()).isEqualTo(file.nrCpus());
        assertThat(preset.nrCores()).isEqualTo(file.nrCores());
        assertThat(preset.nrLlcs()).isEqualTo(file.nrLlcs());
        assertThat(preset.nrDies()).isEqualTo(file.nrDies());
        assertThat(preset.nrPackages()).isEqualTo(file.nrPackages());
        assertThat(preset.nrNodes()).isEqualTo(file.nrNodes());
        for (int c = 0; c < file.nrCpus(); c++) {
            assertThat(preset.coreSpan(preset.coreOf(c))).isEqualTo(file.coreSpan(file.coreOf(c)));
            assertThat(preset.llcSpan(preset.llcOf(c))).isEqualTo(file.llcSpan(file.llcOf(c)));
            assertThat(preset.dieSpan(preset.dieOf(c))).isEqualTo(file.dieSpan(file.dieOf(c)));
            assertThat(preset.packageSpan(preset.packageOf(c))).isEqualTo(file.packageSpan(file.packageOf(c)));
        }
        assertThat(weights(SchedDomains.build(preset).of(0))).containsExactly(weights(SchedDomains.build(file).of(0)));
    }

    @Test
    void epyc7763PresetMatchesItsCaptureApartFromSmt() {
        Topology file = Fixtures.read(EPYC_7763), preset = Presets.get("epyc-7763-2s");
        assertThat(preset.nrCores()).isEqualTo(file.nrCores());
        assertThat(preset.nrLlcs()).isEqualTo(file.nrLlcs());
        assertThat(preset.nrDies()).isEqualTo(file.nrDies());
        assertThat(preset.nrPackages()).isEqualTo(file.nrPackages());
        assertThat(preset.nrCpus()).isEqualTo(2 * file.nrCpus());
        // the capture's CPUs are the presets's first threads; their LLCs and packages coincide
        for (int c = 0; c < file.nrCpus(); c++) {
            assertThat(firstThreads(preset.llcSpan(preset.llcOf(c)), 128)).isEqualTo(file.llcSpan(file.llcOf(c)).toString());
            assertThat(firstThreads(preset.packageSpan(preset.packageOf(c)), 128)).isEqualTo(file.packageSpan(file.packageOf(c)).toString());
        }
    }

    private static String firstThreads(CpuSet s, int n) {
        CpuSet out = new CpuSet(n);
        for (int c = s.first(); c >= 0 && c < n; c = s.nextSetBit(c + 1)) out.set(c);
        return out.toString();
    }

    // ------------------------------------------------------------------------------ generated documents

    @Test
    void distances2GiveTheNodeDistances() throws IOException {
        String dist = "  <distances2 type=\"NUMANode\" nbobjs=\"2\" kind=\"5\" name=\"NUMALatency\" indexing=\"os\">\n"
                + "    <indexes length=\"4\">0 1 </indexes>\n"
                + "    <u64values length=\"12\">10 17 17 10 </u64values>\n"
                + "  </distances2>\n";
        Topology t = read(write("two.xml", machine("2.0", 2, 4, 2, true, dist)));
        assertThat(t.name()).isEqualTo("two");
        assertThat(t.vendor()).isEqualTo("Intel");
        assertThat(t.nrCpus()).isEqualTo(16);
        assertThat(t.nrNodes()).isEqualTo(2);
        assertThat(t.nodeDistance(0, 1)).isEqualTo(17);
        assertThat(t.notes()).isEmpty();
        assertThat(t.nodeSpan(1)).hasToString("4-7,12-15");
        SchedDomain[] d = SchedDomains.build(t).of(0);
        assertThat(levelNames(d)).containsExactly("SMT", "MC", "NUMA");
        assertThat(d[2].numaDistance).isEqualTo(17);
    }

    @Test
    void distancesSplitOverSeveralElementsAndGpIndexing() throws IOException {
        String dist = "  <distances2 type=\"NUMANode\" nbobjs=\"2\" kind=\"5\" indexing=\"gp\">\n"
                + "    <indexes length=\"5\">1001 </indexes><indexes length=\"5\">1000 </indexes>\n"
                + "    <u64values length=\"6\">10 22 </u64values><u64values length=\"6\">22 10 </u64values>\n"
                + "  </distances2>\n"
                + "  <distances2 type=\"NUMANode\" nbobjs=\"2\" kind=\"9\" name=\"NUMABandwidth\" indexing=\"os\">\n"
                + "    <indexes length=\"4\">0 1 </indexes><u64values length=\"12\">900 100 100 900 </u64values>\n"
                + "  </distances2>\n";
        Topology t = read(write("gp.xml", machine("3.0", 2, 2, 1, true, dist)));
        assertThat(t.nodeDistance(0, 1)).isEqualTo(22);
        assertThat(t.notes()).isEmpty();
    }

    @Test
    void implausibleDistancesAreIgnoredWithANote() throws IOException {
        String dist = "<distances2 type=\"NUMANode\" nbobjs=\"2\" kind=\"6\" indexing=\"os\">"
                + "<indexes length=\"4\">0 1 </indexes><u64values length=\"16\">100 300 300 100 </u64values></distances2>";
        Topology t = read(write("ns.xml", machine("2.1", 2, 2, 1, true, dist)));
        assertThat(t.nodeDistance(0, 1)).isEqualTo(20);
        assertThat(t.notes()).singleElement().asString().contains("ignoring the distance matrix");
    }

    @Test
    void missingNumaInfoOnIntelAssumes21AndNoteExplainsIt() throws IOException {
        Topology t = read(write("flat.xml", machine("2.0", 2, 2, 2, false, null)));
        assertThat(t.nrNodes()).isEqualTo(2);
        assertThat(t.nodeDistance(0, 1)).isEqualTo(21);
        assertThat(t.notes()).singleElement().asString().contains("--keep-numa");
    }

    @Test
    void cpuKindsWithoutEfficiencyUseTheCoreTypeAndFrequencyProportions() throws IOException {
        String kinds = "<cpukind cpuset=\"0x0000000f\"><info name=\"CoreType\" value=\"IntelCore\"/></cpukind>"
                + "<cpukind cpuset=\"0x000000f0\"><info name=\"CoreType\" value=\"IntelAtom\"/></cpukind>";
        Topology t = read(write("k1.xml", machine("2.4", 1, 8, 1, true, kinds)));
        assertThat(t.capacityOf(0)).isEqualTo(1024);
        assertThat(t.capacityOf(7)).isEqualTo(640);

        String freq = "<cpukind cpuset=\"0x0000000f\"><info name=\"FrequencyMaxMHz\" value=\"2000\"/></cpukind>"
                + "<cpukind cpuset=\"0x000000f0\"><info name=\"FrequencyMaxMHz\" value=\"3000\"/></cpukind>";
        Topology f = read(write("k2.xml", machine("2.4", 1, 8, 1, true, freq)));
        assertThat(f.capacityOf(0)).isEqualTo(683);
        assertThat(f.capacityOf(7)).isEqualTo(1024);

        String three = "<cpukind cpuset=\"0x00000003\" forced_efficiency=\"0\"/>"
                + "<cpukind cpuset=\"0x0000000c\" forced_efficiency=\"1\"/>"
                + "<cpukind cpuset=\"0x000000f0\" forced_efficiency=\"2\"/>";
        Topology r = read(write("k3.xml", machine("2.4", 1, 8, 1, true, three)));
        assertThat(new int[]{r.capacityOf(0), r.capacityOf(2), r.capacityOf(4)}).containsExactly(640, 832, 1024);
    }

    @Test
    void highBandwidthMemoryNodeSharingTheCpusetIsNotTheCpusNode() throws IOException {
        String xml = machine("2.0", 2, 2, 1, true, null)
                .replace("<object type=\"NUMANode\" os_index=\"1\"",
                        "<object type=\"NUMANode\" os_index=\"3\" subtype=\"HBM\" cpuset=\"0x0000000c\"/>\n"
                                + "      <object type=\"NUMANode\" os_index=\"1\"");
        Topology t = readKeepingNuma(write("hbm.xml", xml));
        assertThat(t.nrNodes()).isEqualTo(2);
        assertThat(t.nodeSpan(t.nodeOf(2))).hasToString("2-3");
    }

    // ------------------------------------------------------------------------------ bitmaps

    @Test
    void bitmapsParseWordsMostSignificantFirst() {
        assertThat(HwlocReader.parseBitmap("0x00000001")).isEqualTo(bits(0));
        assertThat(HwlocReader.parseBitmap("0x000000ff,,,,,,0x000000ff"))
                .isEqualTo(bits(concat(range(0, 8), range(192, 200))));
        assertThat(HwlocReader.parseBitmap("0x00000001,,,,,,0x0")).isEqualTo(bits(192));
        assertThat(HwlocReader.parseBitmap("0xffffffff,0xffffffff,,,0x000000ff"))
                .isEqualTo(bits(concat(range(0, 8), range(96, 160))));
        assertThat(HwlocReader.parseBitmap("").isEmpty()).isTrue();
        assertThat(HwlocReader.parseBitmap("0xf...f,0x0").nextSetBit(0)).isEqualTo(32);
        assertThat(HwlocReader.parseBitmap("0xf...f,0x0").cardinality()).isEqualTo(HwlocReader.MAX_CPUS - 32);
        for (String bad : new String[]{"0xg", "12", "0x123456789", "0x1,zz"})
            assertThatThrownBy(() -> HwlocReader.parseBitmap(bad)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bitmapsRoundTripTheTestFormatter() {
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 200; i++) {
            int[] b = r.ints(1 + r.nextInt(20), 0, 1 + r.nextInt(1000)).distinct().toArray();
            assertThat(HwlocReader.parseBitmap(bitmap(b))).isEqualTo(bits(b));
        }
    }

    private static BitSet bits(int... b) {
        BitSet s = new BitSet();
        Arrays.stream(b).forEach(s::set);
        return s;
    }

    // ------------------------------------------------------------------------------ bad input

    private void assertOneLine(Throwable e, String... parts) {
        assertThat(e).isInstanceOf(TopologyException.class);
        assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\r").contains(parts);
    }

    private Throwable failure(Path p) {
        try {
            read(p);
        } catch (Throwable e) {
            return e;
        }
        throw new AssertionError("no failure reading " + p);
    }

    @Test
    void truncatedFileNamesFileLineAndColumn() throws IOException {
        byte[] all = Fixtures.bytes(EPYC_9654);
        Path p = tmp.resolve("half.xml");
        Files.write(p, Arrays.copyOf(all, all.length / 2));
        Throwable e = failure(p);
        assertOneLine(e, p.toString(), "malformed XML", "expected a complete hwloc XML document");
        assertThat(e.getMessage()).matches("\\Q" + p + "\\E:\\d+:\\d+: .*");
    }

    @Test
    void malformedXml() throws IOException {
        Path p = write("bad.xml", "<?xml version=\"1.0\"?>\n<topology version=\"2.0\">\n  <object type=\"PU\" os_index=\"0\">\n</topology>\n");
        Throwable e = failure(p);
        assertOneLine(e, p + ":4:", "malformed XML");
    }

    @Test
    void documentWithoutPus() throws IOException {
        Path p = write("nopu.xml", "<?xml version=\"1.0\"?>\n<topology version=\"2.0\">\n"
                + "  <object type=\"Machine\" os_index=\"0\" cpuset=\"0x1\"/>\n</topology>\n");
        assertOneLine(failure(p), p + ":2:", "no PU objects", "expected <object type=\"PU\"");
    }

    @Test
    void puWithoutOsIndex() throws IOException {
        Path p = write("noidx.xml", machine("2.0", 1, 2, 1, true, null).replace("<object type=\"PU\" os_index=\"1\"", "<object type=\"PU\""));
        Throwable e = failure(p);
        assertOneLine(e, p.toString(), "PU object without os_index", "expected os_index=");
        assertThat(e.getMessage()).matches("\\Q" + p + "\\E:\\d+:\\d+: .*");
    }

    @Test
    void duplicatePuAndBadNumbers() throws IOException {
        Path dup = write("dup.xml", machine("2.0", 1, 2, 1, true, null).replace("os_index=\"1\" cpuset=\"0x00000002\"/>", "os_index=\"0\" cpuset=\"0x00000002\"/>"));
        assertOneLine(failure(dup), "appears twice");
        Path neg = write("neg.xml", machine("2.0", 1, 2, 1, true, null).replace("<object type=\"PU\" os_index=\"1\"", "<object type=\"PU\" os_index=\"-4\""));
        assertOneLine(failure(neg), "PU os_index '-4', expected an integer in 0-65535");
        Path size = write("size.xml", machine("2.0", 1, 2, 1, true, null).replace("cache_size=\"16777216\"", "cache_size=\"big\""));
        assertOneLine(failure(size), "cache_size 'big', expected a size in bytes");
        Path set = write("set.xml", machine("2.0", 2, 2, 1, true, null).replace("<object type=\"NUMANode\" os_index=\"1\" cpuset=\"0x0000000c\"", "<object type=\"NUMANode\" os_index=\"1\" cpuset=\"0xzz\""));
        assertOneLine(failure(set), "bad cpuset '0xzz'", "32-bit hex words");
    }

    @Test
    void versionsOtherThan2And3AreRejected() throws IOException {
        Path v9 = write("v9.xml", machine("9.0", 1, 2, 1, true, null));
        assertOneLine(failure(v9), v9 + ":3:", "unknown hwloc XML version '9.0', expected 2.x or 3.x");
        Path v1 = write("v1.xml", machine("2.0", 1, 2, 1, true, null).replace(" version=\"2.0\"", ""));
        assertOneLine(failure(v1), "no version attribute", "hwloc 1.x");
        Path html = write("page.xml", "<html><body/></html>");
        assertOneLine(failure(html), html + ":1:", "root element <html>");
        Path empty = write("empty.xml", "");
        assertOneLine(failure(empty), empty.toString(), "malformed XML");
    }

    @Test
    void externalEntitiesAreNotFetched() throws IOException {
        Path secret = write("secret.txt", "0");
        String xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE topology [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>\n"
                + machine("2.0", 1, 1, 1, true, null).replaceFirst("(?s)^.*?<topology", "<topology").replace("os_index=\"0\" cpuset=\"0x00000001\"/>", "os_index=\"&x;\" cpuset=\"0x00000001\"/>");
        Path p = write("xxe.xml", xml);
        assertOneLine(failure(p), p.toString());
    }

    @Test
    void inconsistentNestingIsReportedForTheFile() throws IOException {
        // node 1 claims CPU 0, which sits in package 0's LLC together with CPU 1 of node 0
        String xml = machine("2.0", 2, 2, 1, true, null)
                .replace("<object type=\"NUMANode\" os_index=\"0\" cpuset=\"0x00000003\"", "<object type=\"NUMANode\" os_index=\"0\" cpuset=\"0x00000002\"")
                .replace("<object type=\"NUMANode\" os_index=\"1\" cpuset=\"0x0000000c\"", "<object type=\"NUMANode\" os_index=\"1\" cpuset=\"0x0000000d\"");
        Path p = write("nest.xml", xml);
        Throwable e = HwlocReaderTest.this.failureKeepingNuma(p);
        assertOneLine(e, p + ": ", "LLC spans two NUMA nodes");
    }

    private Throwable failureKeepingNuma(Path p) {
        try {
            readKeepingNuma(p);
        } catch (Throwable e) {
            return e;
        }
        throw new AssertionError("no failure reading " + p);
    }
}
