package org.schedlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedlab.InputError;
import org.schedlab.experiment.Runner;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompareCommandTest {
    @TempDir Path tmp;

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static String[] args(String... extra) {
        List<String> a = new ArrayList<>(List.of("compare", "--topology", "synthetic:cores=4", "--workload", "poisson",
                "--policies", "pull,linux-wake,random", "--param", "rate=1000,4000", "--seeds", "3",
                "--duration", "40ms", "--metric", "metrics.wakeup_latency_us.p99"));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    @Test
    void outputIsByteIdenticalWhateverTheJobs() {
        for (String format : new String[]{"text", "csv"}) {
            Run one = run(args("--jobs", "1", "--format", format));
            Run two = run(args("--jobs", "2", "--format", format));
            assertThat(one.exit).as(one.err).isZero();
            assertThat(two.exit).isZero();
            assertThat(two.out).isEqualTo(one.out).isNotEmpty();
            assertThat(one.err).isEmpty();
        }
    }

    @Test
    void textHasATablePerMetricLabelledByParameterValue() {
        Run r = run(args("--jobs", "2"));
        assertThat(r.exit).isZero();
        String[] tables = r.out.split("\n\n");
        assertThat(tables).hasSize(2);
        assertThat(tables[0]).contains("Test          : poisson response_time_mean",
                "Units         : Normalized response_time_mean in us", "Interpretation: Lower is better",
                "Statistic     : AMean", "rate:", "pull[pct imp](CV)", "linux-wake[pct imp](CV)", "random[pct imp](CV)");
        assertThat(tables[0]).containsPattern("(?m)^1000 +1\\.00 \\[ -0\\.00\\]")
                .containsPattern("(?m)^4000 +1\\.00 \\[ -0\\.00\\]");
        assertThat(tables[1]).contains("Test          : poisson wakeup_latency_us.p99", "Statistic     : Median",
                "Normalized wakeup_latency_us.p99 in us");
    }

    @Test
    void hackbenchGroupsAreLabelledLikeTheLetters() {
        Run r = run("compare", "--topology", "synthetic:cores=4", "--workload", "hackbench:loops=20",
                "--policies", "pull,global", "--param", "groups=1,2", "--seeds", "2", "--duration", "1s", "--jobs", "2");
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).contains("Test          : hackbench time", "Units         : Normalized time in s")
                .containsPattern("(?m)^Case: +pull\\[pct imp\\]\\(CV\\) +global\\[pct imp\\]\\(CV\\)$")
                .containsPattern("(?m)^1-groups +1\\.00 ").containsPattern("(?m)^2-groups +1\\.00 ");
    }

    @Test
    void jsonAndOutFile() throws Exception {
        Path f = tmp.resolve("cmp.json");
        Run r = run(args("--jobs", "2", "--format", "json", "--out", f.toString()));
        assertThat(r.exit).isZero();
        assertThat(r.out).isEmpty();
        JsonNode j = Runner.JSON.readTree(f.toFile());
        assertThat(j.get("schema").asText()).isEqualTo("schedlab-compare/1");
        assertThat(j.get("tables")).hasSize(2);
        assertThat(j.get("tables").get(0).get("rows")).hasSize(2);
        assertThat(j.get("params").get("rate")).hasSize(2);
        try (var s = Files.list(tmp)) {
            assertThat(s).hasSize(1);
        }
    }

    private static void assertOneLineError(Run r, String... parts) {
        assertThat(r.exit).isEqualTo(Main.EXIT_INPUT);
        assertThat(r.out).isEmpty();
        assertThat(r.err).startsWith("schedlab: ").endsWith("\n").contains(parts);
        assertThat(r.err.strip()).doesNotContain("\n");
    }

    @Test
    void badInputIsOneLineAndExit2() {
        String[] base = {"compare", "--topology", "synthetic:cores=2", "--workload", "poisson", "--duration", "10ms"};
        assertOneLineError(run(concat(base, "--policies", "pull,nope", "--seeds", "2")), "unknown policy 'nope'");
        assertOneLineError(run(concat(base, "--policies", "pull", "--seeds", "0")), "--seeds");
        assertOneLineError(run(concat(base, "--policies", "pull", "--seeds", "1", "--param", "rate")), "--param");
        assertOneLineError(run(concat(base, "--policies", "pull", "--seeds", "1", "--param", "rate=1,,2")), "empty value");
        assertOneLineError(run(concat(base, "--policies", "pull", "--seeds", "1", "--param", "bogus=1")), "unknown key 'bogus'");
        assertOneLineError(run(concat(base, "--policies", "pull,pull", "--seeds", "1")), "twice");
        assertOneLineError(run(concat(base, "--policies", "pull", "--seeds", "1", "--metric", "metrics.nope")), "no key 'nope'");
        assertOneLineError(run(concat(base, "--policies", "pull", "--seeds", "1", "--format", "xml")), "--format");
        assertOneLineError(run(concat(base, "--policies", "pull", "--seeds", "1", "--jobs", "0")), "--jobs");
        assertOneLineError(run("compare", "--topology", "nope", "--workload", "poisson", "--policies", "pull",
                "--seeds", "1"), "'nope'");
        assertOneLineError(run("compare", "--topology", "synthetic", "--workload", "nope", "--policies", "pull",
                "--seeds", "1"), "unknown workload 'nope'");
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void policyListsKeepEachPolicysOwnOptions() {
        assertThat(CompareCommand.splitPolicies(List.of("pull,push:nohz=per-llc,x=1,linux-wake")))
                .containsExactly("pull", "push:nohz=per-llc,x=1", "linux-wake");
        assertThat(CompareCommand.splitPolicies(List.of("pull", "push:nohz=per-llc,global")))
                .containsExactly("pull", "push:nohz=per-llc", "global");
        assertThat(CompareCommand.splitPolicies(List.of("pull:ni_random=1,global")))
                .containsExactly("pull:ni_random=1", "global");
        assertThatThrownBy(() -> CompareCommand.splitPolicies(List.of("pull,,global"))).isInstanceOf(InputError.class);
    }

    @Test
    void paramsKeepTheirOrder() {
        assertThat(CompareCommand.parseParams(List.of("groups=1,2,4", "loops=10")))
                .containsExactly(Map.entry("groups", List.of("1", "2", "4")), Map.entry("loops", List.of("10")));
        assertThatThrownBy(() -> CompareCommand.parseParams(List.of("groups=1", "groups=2")))
                .isInstanceOf(InputError.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> CompareCommand.parseParams(List.of("=1"))).isInstanceOf(InputError.class);
    }

    /** The command: random cannot finish hackbench in 25 ms; its runs must not score 0 and win. */
    @Test
    void anUnfinishedRunIsShownAsUnfinishedNeverAsAValue() throws Exception {
        String[] base = {"compare", "--topology", "desktop-8c16t", "--policies", "pull,random", "--workload",
                "hackbench:groups=1", "--seeds", "2", "--duration", "30ms", "--jobs", "2"};
        Run text = run(base);
        assertThat(text.exit).as(text.err).isZero();
        String row = text.out.lines().filter(l -> l.startsWith("hackbench:groups=1")).findFirst().orElseThrow();
        assertThat(row).contains("1.00 [ -0.00]").endsWith("unfinished 2/2").doesNotContain("*", "100.00", "0.00 [");
        assertThat(text.out).contains("unfinished K/N: K of the N runs stopped at the duration");

        List<String> json = new ArrayList<>(List.of(base));
        json.addAll(List.of("--format", "json"));
        Run j = run(json.toArray(new String[0]));
        JsonNode cells = Runner.JSON.readTree(j.out).get("tables").get(0).get("rows").get(0).get("cells");
        assertThat(cells.get(0).get("value").isNumber()).isTrue();
        assertThat(cells.get(0).has("unfinished")).isFalse();
        assertThat(cells.get(1).get("value").isNull()).isTrue();
        assertThat(cells.get(1).get("unfinished").asInt()).isEqualTo(2);
        assertThat(cells.get(1).get("significant").asBoolean()).isFalse();
    }
}
