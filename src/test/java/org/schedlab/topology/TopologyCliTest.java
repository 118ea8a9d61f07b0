package org.schedlab.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedlab.cli.Main;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.schedlab.topology.Fixtures.*;

/** {@code schedlab topology show} end to end, and the one-line errors of every topology source. */
class TopologyCliTest {
    @TempDir Path tmp;

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static void assertOneLineError(Run r, String... parts) {
        assertThat(r.exit).isEqualTo(Main.EXIT_INPUT);
        assertThat(r.out).isEmpty();
        assertThat(r.err).startsWith("schedlab: ").endsWith("\n").contains(parts);
        assertThat(r.err.strip()).doesNotContain("\n");
        assertThat(r.err).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("    at ");
    }

    @Test
    void textForAPreset() {
        Run r = run("topology", "show", "epyc-7763-2s");
        assertThat(r.exit).isZero();
        assertThat(r.err).isEmpty();
        assertThat(r.out).contains("name        epyc-7763-2s", "vendor      AMD", "packages    2", "NUMA nodes  2",
                "dies        2 (one per package)", "LLCs        16 (16 CPUs, 32 MiB each)", "cores       128",
                "CPUs        256", "SMT         2", "clusters    none", "sched domains of CPU 0");
        assertThat(r.out).containsPattern("node 0 +10 +32");
        assertThat(r.out).doesNotContain("capacities");
        String[] lines = r.out.split("\n");
        assertThat(Arrays.stream(lines).filter(l -> l.matches("^[A-Z]+ +span .*")))
                .containsExactly("SMT      span 0,128 (2 CPUs)", "MC       span 0-7,128-135 (16 CPUs)",
                        "PKG      span 0-63,128-191 (128 CPUs)", "NUMA     span 0-255 (256 CPUs)");
        assertThat(r.out).contains("groups 2: {0} {128}", "groups 8: {0,128} {1,129} {2,130} {3,131} ...",
                "imbalance_pct 110, cache_nice_tries 0, interval 2-4 ms, busy_factor 16, imb_numa_nr 0",
                "imbalance_pct 117, cache_nice_tries 2, interval 256-512 ms, busy_factor 16, imb_numa_nr 8",
                "flags BALANCE_NEWIDLE BALANCE_EXEC BALANCE_FORK WAKE_AFFINE SERIALIZE NUMA");
    }

    @Test
    void npsModesShowTheirNodesInTextAndJson() throws IOException {
        Run r = run("topology", "show", "epyc-7763-2s:nps=4");
        assertThat(r.exit).isZero();
        assertThat(r.out).contains("name        epyc-7763-2s:nps=4", "NUMA nodes  8", "node 0    CPUs 0-15,128-143",
                "node 7    CPUs 112-127,240-255");
        assertThat(r.out).containsPattern("node 0 +10 +12 +12 +12 +32 +32 +32 +32");
        Run j = run("topology", "show", "epyc-7763-2s:nps=4", "--json");
        assertThat(j.exit).isZero();
        JsonNode t = new ObjectMapper().readTree(j.out);
        assertThat(t.get("numa_nodes").asInt()).isEqualTo(8);
        assertThat(t.get("nodes")).hasSize(8);
        for (int k = 0; k < 8; k++) {
            assertThat(t.get("nodes").get(k).get("weight").asInt()).isEqualTo(32);
            assertThat(t.get("nodes").get(k).get("cpus").asText()).isEqualTo((16 * k) + "-" + (16 * k + 15) + "," + (128 + 16 * k) + "-" + (143 + 16 * k));
            for (int m = 0; m < 8; m++)
                assertThat(t.get("distances").get(k).get(m).asInt()).isEqualTo(k == m ? 10 : k / 4 == m / 4 ? 12 : 32);
        }
        // beyond 64 nodes, text summarises them (JSON keeps every node)
        Run many = run("topology", "show", "synthetic:packages=100,nodes=2,cores=2");
        assertThat(many.out).contains("NUMA nodes  200", "  nodes     200 of 2 CPUs; distances 10, 12, 32 (each node's CPUs and the matrix: --json)");
        assertThat(many.out).doesNotContain("node 199");
        assertOneLineError(run("topology", "show", "synthetic:packages=3,cores=1431655766"), "4294967298 CPUs, at most 65536 supported");
        assertOneLineError(run("topology", "show", "epyc-7763-2s:nps=8"), "nps must be 1, 2 or 4");
        assertOneLineError(run("topology", "show", "xeon-8480-2s:nps=2"), "takes no options");
    }

    @Test
    void textForARealFileWithNotesOnStderrAndAChosenCpu() {
        Run r = run("topology", "show", hwloc(RAPTOR_LAKE).toString(), "--cpu", "13");
        assertThat(r.exit).isZero();
        assertThat(r.err).startsWith("schedlab: note: ").contains("capacities estimated");
        assertThat(r.out).contains("name        Intel-RaptorLake-Corei7-1370P", "vendor      Intel", "LLCs        1 (20 CPUs, 24 MiB)",
                "cores       14", "CPUs        20", "clusters    2 of 4 cores sharing an L2", "capacities  1024 x 12 CPUs, 640 x 8 CPUs",
                "sched domains of CPU 13", "CLS      span 12-15 (4 CPUs)", "groups 4: {13} {14} {15} {12}",
                "MC       span 0-19 (20 CPUs)", "ASYM_PACKING", "scheduler   ITMT");
        assertThat(r.out).doesNotContain("NUMA nodes  2");
    }

    @Test
    void jsonForARealFile() throws IOException {
        Run r = run("topology", "show", hwloc(EPYC_9654).toString(), "--json");
        assertThat(r.exit).isZero();
        assertThat(r.err).contains("one node per package");
        JsonNode j = new ObjectMapper().readTree(r.out);
        assertThat(j.get("name").asText()).isEqualTo("AMD-19h-Zen4-2xEpyc-9654");
        assertThat(j.get("vendor").asText()).isEqualTo("AMD");
        assertThat(j.get("pus").asInt()).isEqualTo(384);
        assertThat(j.get("cores").asInt()).isEqualTo(192);
        assertThat(j.get("llcs").asInt()).isEqualTo(24);
        assertThat(j.get("dies").asInt()).isEqualTo(24);
        assertThat(j.get("numa_nodes").asInt()).isEqualTo(2);
        assertThat(j.get("packages").asInt()).isEqualTo(2);
        assertThat(j.get("smt").asInt()).isEqualTo(2);
        assertThat(j.has("capacities")).isFalse();
        assertThat(j.get("notes")).hasSize(1);
        assertThat(j.get("distances").get(0).get(1).asInt()).isEqualTo(32);
        JsonNode d = j.get("domains");
        assertThat(d).hasSize(4);
        assertThat(d.get(0).get("name").asText()).isEqualTo("SMT");
        assertThat(d.get(0).get("span").asText()).isEqualTo("0,192");
        assertThat(d.get(0).get("groups").get(1).asText()).isEqualTo("192");
        assertThat(d.get(1).get("span").asText()).isEqualTo("0-7,192-199");
        assertThat(d.get(1).get("weight").asInt()).isEqualTo(16);
        assertThat(d.get(1).get("groups")).hasSize(8);
        assertThat(d.get(2).get("name").asText()).isEqualTo("PKG");
        assertThat(d.get(2).get("imb_numa_nr").asInt()).isEqualTo(12);
        JsonNode numa = d.get(3);
        assertThat(numa.get("name").asText()).isEqualTo("NUMA");
        assertThat(numa.get("weight").asInt()).isEqualTo(384);
        assertThat(numa.get("groups").get(1).asText()).isEqualTo("96-191,288-383");
        assertThat(numa.get("flags").toString()).contains("\"SERIALIZE\"", "\"NUMA\"").doesNotContain("PREFER_SIBLING");
        assertThat(numa.get("imbalance_pct").asInt()).isEqualTo(117);
        assertThat(numa.get("cache_nice_tries").asInt()).isEqualTo(2);
        assertThat(numa.get("min_interval_ms").asInt()).isEqualTo(384);
        assertThat(numa.get("max_interval_ms").asInt()).isEqualTo(768);
        assertThat(numa.get("busy_factor").asInt()).isEqualTo(16);
        assertThat(numa.get("imb_numa_nr").asInt()).isEqualTo(12);
    }

    @Test
    void jsonCapacitiesForAHybridPartAndKeepNuma() throws IOException {
        JsonNode j = new ObjectMapper().readTree(run("topology", "show", hwloc(RAPTOR_LAKE).toString(), "--json").out);
        assertThat(j.get("capacities").get("1024").asInt()).isEqualTo(12);
        assertThat(j.get("capacities").get("640").asInt()).isEqualTo(8);

        Run keep = run("topology", "show", hwloc(XEON_MAX).toString(), "--json", "--keep-numa");
        assertThat(keep.err).isEmpty();
        assertThat(new ObjectMapper().readTree(keep.out).get("numa_nodes").asInt()).isEqualTo(1);
    }

    @Test
    void cpusAreShownByOsNumberWhenSomeAreMissing() throws IOException {
        // PU 1 is absent (offline when captured): dense CPU 1 is OS CPU 2
        Path p = tmp.resolve("gap.xml");
        Files.writeString(p, machine("2.0", 1, 4, 1, true, null)
                .replaceAll("(?m)^ *<object type=\"PU\" os_index=\"1\".*\n", ""));
        Topology t = TopologySources.resolve(p.toString());
        assertThat(t.nrCpus()).isEqualTo(3);
        assertThat(t.osIndex(1)).isEqualTo(2);
        Run r = run("topology", "show", p.toString(), "--cpu", "2");
        assertThat(r.exit).isZero();
        assertThat(r.out).contains("sched domains of CPU 2", "MC       span 0,2-3 (3 CPUs)", "groups 3: {2} {3} {0}");
        assertOneLineError(run("topology", "show", p.toString(), "--cpu", "1"), "--cpu 1", "no such CPU", "0,2-3");
    }

    @Test
    void invalidCpu() {
        assertOneLineError(run("topology", "show", "desktop-8c16t", "--cpu", "16"), "--cpu 16", "no such CPU", "0-15");
        assertOneLineError(run("topology", "show", "desktop-8c16t", "--cpu", "x"), "--cpu");
    }

    @Test
    void badSourcesGiveOneLineAndExit2() throws IOException {
        byte[] all = Fixtures.bytes(EPYC_7763);
        Path half = tmp.resolve("half.xml");
        Files.write(half, Arrays.copyOf(all, all.length / 2));
        assertOneLineError(run("topology", "show", half.toString()), half + ":", "malformed XML");

        Path bad = tmp.resolve("bad.xml");
        Files.writeString(bad, "<topology version=\"3.0\"><object type=\"PU\"></topology>");
        assertOneLineError(run("topology", "show", bad.toString()), bad + ":1:", "malformed XML");

        Path nopu = tmp.resolve("nopu.xml");
        Files.writeString(nopu, "<topology version=\"3.0\"><object type=\"Machine\"/></topology>");
        assertOneLineError(run("topology", "show", nopu.toString()), nopu + ":1:", "no PU objects");

        Path sys = Files.createDirectories(tmp.resolve("sys/cpu/cpu0/topology"));
        Files.writeString(sys.resolve("physical_package_id"), "0\n");
        assertOneLineError(run("topology", "show", tmp.resolve("sys").toString()), "thread_siblings_list: missing, expected");

        assertOneLineError(run("topology", "show", "epyc-9999"), "'epyc-9999' is not a preset", "epyc-9654-2s");
        assertOneLineError(run("topology", "show", "synthetic:cores=0"), "synthetic:cores=0", "must be a positive integer");
        assertOneLineError(run("topology", "show", "synthetic:sockets=2"), "unknown key 'sockets'");
        assertOneLineError(run("topology", "show", tmp.resolve("none.xml").toString()), "none.xml: no such file");
        assertOneLineError(run("topology", "show"), "SOURCE");
    }

    @Test
    void sourcesThrowOneLineTopologyExceptions() {
        assertThatThrownBy(() -> TopologySources.resolve("epyc-9999")).isInstanceOf(TopologyException.class)
                .hasMessageContaining("is not a preset").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> TopologySources.resolve("synthetic:llcs=0")).isInstanceOf(TopologyException.class)
                .hasMessageStartingWith("synthetic:llcs=0: ").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> TopologySources.resolve("synthetic:x=1")).isInstanceOf(TopologyException.class)
                .hasMessageContaining("unknown key 'x'").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> Presets.get("nope")).isInstanceOf(TopologyException.class)
                .hasMessageStartingWith("unknown preset 'nope'");
        assertThatThrownBy(() -> TopologySources.resolve(" ")).isInstanceOf(TopologyException.class);
    }

    @Test
    void topologyWithoutSubcommandPrintsUsage() {
        Run r = run("topology");
        assertThat(r.exit).isZero();
        assertThat(r.out).contains("show");
    }
}
