package org.schedlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedlab.experiment.Runner;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RunCommandTest {
    private record Result(int exit, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        java.io.PrintStream old = System.out;
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(buf));
        try {
            int exit = cl.execute(args);
            return new Result(exit, buf.toString() + out, err.toString());
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void writesJsonWithTheDocumentedKeys(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("a/b/run.json");
        Files.createDirectories(json.getParent());
        Result r = run("run", "--topology", "synthetic:llcs=2,cores=4", "--policy", "pull", "--workload",
                "poisson:rate=2000,service=exp:1ms", "--duration", "300ms", "--json", json.toString());
        assertThat(r.exit).isZero();
        assertThat(r.out).contains("response_time_mean");
        JsonNode j = Runner.JSON.readTree(json.toFile());
        for (String k : new String[]{"sim_time_ns", "wall_time_ms", "events"}) assertThat(j.has(k)).as(k).isTrue();
        JsonNode m = j.get("metrics");
        for (String k : new String[]{"tasks_created", "context_switches", "wakeup_latency_us", "runqueue_wait_us",
                "response_time_us", "jobs_completed", "idle_while_overloaded_ns", "fairness_jain", "migrations",
                "balance_overhead_ns"})
            assertThat(m.has(k)).as(k).isTrue();
        for (String k : new String[]{"mean", "p50", "p90", "p99", "p999", "max"})
            assertThat(m.get("wakeup_latency_us").has(k)).as(k).isTrue();
        assertThat(j.get("sim_time_ns").asLong()).isEqualTo(300_000_000L);
        try (var files = Files.list(json.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("run.json");
        }
    }

    @Test
    void taskCountsCoverTheMeasuredWindowAndBalanceWithTheTasksLiveAtItsEnds(@TempDir Path dir) throws Exception {
        // 30% load with a warm-up: jobs in flight at the window's start exit inside it, so more may exit than start
        Path json = dir.resolve("run.json");
        Result r = run("run", "--topology", "synthetic:llcs=2,cores=4", "--policy", "pull", "--workload",
                "poisson:rate=2400,service=exp:1ms", "--duration", "300ms", "--warmup", "50ms", "--json", json.toString());
        assertThat(r.exit).isZero();
        JsonNode m = Runner.JSON.readTree(json.toFile()).get("metrics");
        long created = m.get("tasks_created").asLong(), exited = m.get("tasks_exited").asLong();
        long atStart = m.get("tasks_live_at_start").asLong(), atEnd = m.get("tasks_live_at_end").asLong();
        assertThat(atStart).isPositive();
        assertThat(atStart + created - exited).isEqualTo(atEnd);
        // every task of an open system is a job: each exit in the window is a completed job
        assertThat(m.get("jobs_completed").asLong()).isEqualTo(exited);
        assertThat(r.out).contains(String.format("tasks %d created, %d exited in the measured window (%d live at its start, %d at its end)",
                created, exited, atStart, atEnd));
    }

    @Test
    void badInputGetsOneLineAndExitTwoAndNoFile(@TempDir Path dir) {
        Path json = dir.resolve("out.json");
        String[][] cases = {
                {"--duration", "-5s"},
                {"--policy", "nosuch"},
                {"--workload", "poisson:rate=0"},
                {"--workload", "poisson:rate=10,bogus=1"},
                {"--topology", "synthetic:cores=0"},
                {"--topology", "nosuch-preset"},
                {"--duration", "10 parsecs"},
                {"--hz", "123"},
                {"--slice", "maybe"},
        };
        for (String[] c : cases) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("run", "--topology", "synthetic:cores=2",
                    "--policy", "pull", "--workload", "poisson:rate=100", "--duration", "10ms", "--json", json.toString()));
            int i = args.indexOf(c[0]);
            if (i >= 0) args.set(i + 1, c[1]);
            else args.addAll(java.util.List.of(c));
            Result r = run(args.toArray(new String[0]));
            assertThat(r.exit).as(String.join(" ", c)).isEqualTo(2);
            assertThat(r.err.strip()).as(String.join(" ", c)).startsWith("schedlab: ").doesNotContain("\n").doesNotContain("Exception");
            assertThat(Files.exists(json)).isFalse();
        }
    }

    @Test
    void sameCommandTwiceGivesTheSameJsonApartFromWallTime(@TempDir Path dir) throws Exception {
        String[] base = {"run", "--topology", "epyc-7763-2s", "--policy", "push", "--workload", "schbench:workers=32",
                "--duration", "100ms", "--seed", "7", "--json"};
        for (String f : new String[]{"x.json", "y.json"}) {
            String[] a = java.util.Arrays.copyOf(base, base.length + 1);
            a[base.length] = dir.resolve(f).toString();
            assertThat(run(a).exit).isZero();
        }
        var x = (com.fasterxml.jackson.databind.node.ObjectNode) Runner.JSON.readTree(dir.resolve("x.json").toFile());
        var y = (com.fasterxml.jackson.databind.node.ObjectNode) Runner.JSON.readTree(dir.resolve("y.json").toFile());
        x.remove("wall_time_ms");
        y.remove("wall_time_ms");
        assertThat(x).isEqualTo(y);
    }

    @Test
    void aRunCutShortSaysItIsUnfinishedInTextAndJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        Result r = run("run", "--topology", "desktop-8c16t", "--policy", "random", "--workload", "hackbench:groups=1",
                "--duration", "30ms", "--json", json.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsPattern("time: {22}unfinished: the run stopped at 30ms with [0-9]+ of 41 tasks "
                + "not exited; give a longer --duration").doesNotContain("time:                      0 s");
        com.fasterxml.jackson.databind.JsonNode t = Runner.JSON.readTree(json.toFile()).get("throughput");
        assertThat(t.get("value").isNull()).isTrue();
        assertThat(t.get("unfinished").asBoolean()).isTrue();

        Path done = dir.resolve("done.json");
        assertThat(run("run", "--topology", "desktop-8c16t", "--policy", "pull", "--workload", "hackbench:groups=1",
                "--duration", "30ms", "--json", done.toString()).exit()).isZero();
        com.fasterxml.jackson.databind.JsonNode d = Runner.JSON.readTree(done.toFile()).get("throughput");
        assertThat(d.get("value").asDouble()).isPositive();
        assertThat(d.has("unfinished")).isFalse();
    }

    @Test
    void aBenchmarkStartedFromAnotherNodeRunsThere(@TempDir Path dir) throws Exception {
        // fork placement keeps a lightly loaded program on its parent's node (adjust_numa_imbalance): started from
        // the last CPU, one hackbench group runs on node 1; by default (CPU 0) on node 0
        double[] byNode = new double[2];
        for (String launch : new String[]{null, "15"}) {
            Path json = dir.resolve("launch" + launch + ".json");
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("run", "--topology",
                    "synthetic:packages=2,llcs=2,cores=4", "--policy", "pull", "--workload",
                    "hackbench:groups=1,fds=2,loops=50", "--duration", "2s", "--json", json.toString()));
            if (launch != null) args.addAll(java.util.List.of("--launch-cpu", launch));
            assertThat(run(args.toArray(new String[0])).exit).isZero();
            JsonNode t = Runner.JSON.readTree(json.toFile()).get("timeline");
            java.util.Arrays.fill(byNode, 0);
            for (int c = 0; c < 16; c++)
                for (JsonNode u : t.get("utilisation").get(c)) byNode[t.get("node_of").get(c).asInt()] += u.asDouble();
            if (launch == null) assertThat(byNode[0]).isGreaterThan(10 * byNode[1]);
            else assertThat(byNode[1]).isGreaterThan(10 * byNode[0]);
        }
        Result bad = run("run", "--topology", "synthetic:packages=2,llcs=2,cores=4", "--policy", "pull", "--workload",
                "hackbench:groups=1", "--launch-cpu", "16");
        assertThat(bad.exit).isNotZero();
        assertThat(bad.err.strip()).isEqualTo("schedlab: --launch-cpu 16: the machine has CPUs 0-15");
    }
}
