package org.schedlab.topology;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.schedlab.topology.Fixtures.*;

/**
 * Every x86 vendor string hwloc records is recognised (as the kernel's get_cpu_vendor() names it), and the
 * multi-die rule reaches the Zen-derived multi-die parts of Hygon as it does AMD's. Inputs are real captures, or a
 * real capture with its vendor attributes edited.
 */
class X86VendorsTest {
    @TempDir Path tmp;

    /** A bundled capture with each {@code from[i]} replaced by {@code to[i]}, written to a temporary file. */
    private Path edited(String capture, String... fromTo) throws IOException {
        String x = new String(Fixtures.bytes(capture), StandardCharsets.UTF_8);
        for (int i = 0; i < fromTo.length; i += 2) {
            assertThat(x).contains(fromTo[i]);
            x = x.replace(fromTo[i], fromTo[i + 1]);
        }
        Path f = tmp.resolve("edited-" + capture);
        Files.writeString(f, x, StandardCharsets.UTF_8);
        return f;
    }

    private static Topology read(Path p) { return HwlocReader.read(p, new TopologySources.Options()); }

    @Test
    void intel() {
        assertThat(Fixtures.read(RAPTOR_LAKE).vendor()).isEqualTo("Intel");
        assertThat(Fixtures.read(XEON_MAX).vendor()).isEqualTo("Intel");
    }

    @Test
    void amd() {
        Topology t = Fixtures.read(EPYC_7763);
        assertThat(t.vendor()).isEqualTo("AMD");
        assertThat(t.nrNodes()).as("Milan: one node per package, not per die").isEqualTo(2);
    }

    @Test
    void hygonDhyanaGetsOneNodePerDie() {
        // hwloc's capture of a 32-core Dhyana (family 0x18 model 0): 4 dies of 2 CCXs of 4 cores, one NUMA node
        Topology t = Fixtures.read(HYGON_DHYANA);
        assertThat(t.vendor()).isEqualTo("Hygon");
        assertThat(t.cpuFamily()).isEqualTo(0x18);
        assertThat(t.nrCpus()).isEqualTo(64);
        assertThat(t.nrLlcs()).isEqualTo(8);
        assertThat(t.nrNodes()).isEqualTo(4);
        for (int k = 0; k < 4; k++)
            assertThat(t.nodeSpan(k)).hasToString((8 * k) + "-" + (8 * k + 7) + "," + (32 + 8 * k) + "-" + (39 + 8 * k));
        assertThat(t.nodeDistance(0, 3)).isEqualTo(16);
        assertThat(t.notes()).singleElement().asString().contains("Hygon Dhyana", "4 nodes are inferred");
        SchedDomain[] d = SchedDomains.build(t).of(0);
        assertThat(levelNames(d)).containsExactly("SMT", "MC", "NODE", "NUMA");
        assertThat(weights(d)).containsExactly(2, 8, 16, 64);
    }

    @Test
    void twoSocketHygonKeepsTheKernelsReclaimDistance() throws IOException {
        // the 2-socket Milan capture with Hygon Dhyana's CPUID: 2 packages of 8 CCXs, two per die
        Path f = edited(EPYC_7763, "value=\"AuthenticAMD\"", "value=\"HygonGenuine\"",
                "name=\"CPUFamilyNumber\" value=\"25\"", "name=\"CPUFamilyNumber\" value=\"24\"",
                "name=\"CPUModelNumber\" value=\"1\"", "name=\"CPUModelNumber\" value=\"0\"");
        Topology t = read(f);
        assertThat(t.vendor()).isEqualTo("Hygon");
        assertThat(t.nrNodes()).isEqualTo(8);
        assertThat(t.nodeSpan(t.nodeOf(0)).cardinality()).isEqualTo(16);
        assertThat(t.nodeDistance(t.nodeOf(0), t.nodeOf(16))).isEqualTo(16);
        assertThat(t.nodeDistance(t.nodeOf(0), t.nodeOf(64))).isEqualTo(32);
        // init_hygon does not set node_reclaim_distance: 32 is beyond 30, so no wake_affine across sockets
        assertThat(SchedDomains.reclaimDistance(t)).isEqualTo(30);
        SchedDomain[] d = SchedDomains.build(t).of(0);
        assertThat(levelNames(d)).containsExactly("MC", "NODE", "NUMA-16", "NUMA-32");
        assertThat(d[2].has(SchedDomain.SD_WAKE_AFFINE)).isTrue();
        assertThat(d[3].has(SchedDomain.SD_WAKE_AFFINE)).isFalse();
    }

    @Test
    void laterHygonModelsKeepOneNodePerPackage() throws IOException {
        Path f = edited(HYGON_DHYANA, "name=\"CPUModelNumber\" value=\"0\"", "name=\"CPUModelNumber\" value=\"4\"");
        Topology t = read(f);
        assertThat(t.vendor()).isEqualTo("Hygon");
        assertThat(t.nrNodes()).isEqualTo(1);
        assertThat(t.notes()).isEmpty();
    }

    @Test
    void centaur() {
        Topology t = Fixtures.read(ZHAOXIN_CENTAUR);
        assertThat(t.vendor()).isEqualTo("Centaur");
        assertThat(t.nrCpus()).isEqualTo(8);
        assertThat(t.nrNodes()).isEqualTo(1);
        assertThat(SchedDomains.reclaimDistance(t)).isEqualTo(30);
    }

    @Test
    void zhaoxinWithOrWithoutItsBlanks() throws IOException {
        assertThat(Fixtures.read(ZHAOXIN_SHANGHAI).vendor()).isEqualTo("Zhaoxin");
        // hwloc's Linux backend records /proc/cpuinfo's vendor_id with the leading blanks skipped
        Path f = edited(ZHAOXIN_SHANGHAI, "value=\"  Shanghai  \"", "value=\"Shanghai  \"");
        assertThat(read(f).vendor()).isEqualTo("Zhaoxin");
    }

    @Test
    void aVendorNobodyKnowsIsUnknown() throws IOException {
        Path f = edited(ZHAOXIN_SHANGHAI, "value=\"  Shanghai  \"", "value=\"NotARealCPU!\"");
        assertThat(read(f).vendor()).isEqualTo("unknown");
        assertThat(X86Vendors.byCpuidString("AuthenticAMDx")).isNull();
    }

    @Test
    void theKernelsOtherVendorStrings() {
        assertThat(X86Vendors.byCpuidString("CyrixInstead")).isEqualTo("Cyrix");
        assertThat(X86Vendors.byCpuidString("Geode by NSC")).isEqualTo("NSC");
        assertThat(X86Vendors.byCpuidString("GenuineTMx86")).isEqualTo("Transmeta");
        assertThat(X86Vendors.byCpuidString("TransmetaCPU")).isEqualTo("Transmeta");
        assertThat(X86Vendors.byCpuidString("UMC UMC UMC")).isEqualTo("UMC");
        assertThat(X86Vendors.byCpuidString("Vortex86 SoC")).isEqualTo("Vortex");
        // modalias numbers (X86_VENDOR_*)
        assertThat(X86Vendors.byNumber(9)).isEqualTo("Hygon");
        assertThat(X86Vendors.byNumber(10)).isEqualTo("Zhaoxin");
        assertThat(X86Vendors.byNumber(5)).isEqualTo("Centaur");
        assertThat(X86Vendors.byNumber(4)).isNull();
    }
}
