package org.schedlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedlab.experiment.Runner;
import org.schedlab.experiment.Sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code schedlab sweep} end to end, including a sweep killed with SIGKILL in another JVM and resumed. */
class SweepCommandTest {
    @TempDir Path tmp;

    private static TreeSet<String> results(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json") && !n.startsWith(".") && !n.equals(Sweep.PLAN))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static List<String> temps(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
        }
    }

    private static JsonNode stable(Path f) throws IOException {
        ObjectNode n = (ObjectNode) Runner.JSON.readTree(f.toFile());
        n.remove("wall_time_ms");
        return n;
    }

    @Test
    void runsResumesAndReports() throws Exception {
        Path yaml = tmp.resolve("s.yaml");
        Files.writeString(yaml, """
                topology: synthetic:cores=2
                policy: [pull, global]
                workload: [poisson:rate=500]
                seeds: [1, 2]
                duration: 20ms
                """);
        Path out = tmp.resolve("out");
        CompareCommandTest.Run r = CompareCommandTest.run("sweep", yaml.toString(), "--out", out.toString(), "--jobs", "2");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("sweep: 4 runs, 0 already done, 4 executed; results in " + out + "\n");
        assertThat(r.err().lines()).hasSize(4).allMatch(l -> l.matches("sweep: [1-4]/4 poisson-rate=500_.*\\.json"));
        assertThat(results(out)).hasSize(4).allMatch(n -> n.startsWith("poisson-rate=500_"));
        assertThat(Files.exists(out.resolve(Sweep.PLAN))).isTrue();
        r = CompareCommandTest.run("sweep", yaml.toString(), "--out", out.toString());
        assertThat(r.out()).isEqualTo("sweep: 4 runs, 4 already done, 0 executed; results in " + out + "\n");
    }

    @Test
    void badFileIsOneLineNamingItAndWritesNothing() throws Exception {
        Path yaml = tmp.resolve("bad.yaml");
        Files.writeString(yaml, "topology: [synthetic]\npolicy: [pull]\nworkload: [poisson]\nseeds: 1\nduration: 1ms\nfoo: 1\n");
        Path out = tmp.resolve("out");
        CompareCommandTest.Run r = CompareCommandTest.run("sweep", yaml.toString(), "--out", out.toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_INPUT);
        assertThat(r.err()).isEqualTo("schedlab: " + yaml + ":6: unknown key 'foo'; expected topology, policy, "
                + "workload, seeds, duration, warmup, params, costs, hz, task_group, tg_load_ratelimit, fair\n");
        assertThat(Files.exists(out)).isFalse();
        r = CompareCommandTest.run("sweep", tmp.resolve("missing.yaml").toString(), "--out", out.toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_INPUT);
        assertThat(r.err()).contains("missing.yaml").doesNotContain("\tat ");
    }

    @Test
    void aSweepKilledWithSigkillResumesToTheSameFiles() throws Exception {
        Path yaml = tmp.resolve("kill.yaml");
        Files.writeString(yaml, """
                topology: [synthetic:cores=4]
                policy: [pull, random, linux-wake]
                workload: [poisson:rate=3000]
                seeds: 2
                duration: 8s
                """);
        Path killed = tmp.resolve("killed"), clean = tmp.resolve("clean");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xss4m", "-cp", System.getProperty("java.class.path"),
                "org.schedlab.cli.Main", "sweep", yaml.toString(), "--out", killed.toString(), "--jobs", "1")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("killed.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && p.isAlive()
                    && (!Files.isDirectory(killed) || results(killed).isEmpty()))
                Thread.sleep(5);
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(results(killed)).as(Files.readString(tmp.resolve("killed.log"))).isNotEmpty();
        int before = results(killed).size();
        for (String f : results(killed)) assertThat(Runner.JSON.readTree(killed.resolve(f).toFile()).has("metrics")).isTrue();

        CompareCommandTest.Run resumed = CompareCommandTest.run("sweep", yaml.toString(), "--out", killed.toString(), "--jobs", "2");
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.out()).startsWith("sweep: 6 runs, " + before + " already done, " + (6 - before) + " executed");
        assertThat(before).as("the kill should interrupt the sweep").isLessThan(6);

        CompareCommandTest.Run full = CompareCommandTest.run("sweep", yaml.toString(), "--out", clean.toString(), "--jobs", "2");
        assertThat(full.exit()).isZero();
        assertThat(results(killed)).hasSize(6).isEqualTo(results(clean));
        for (String f : results(clean)) assertThat(stable(killed.resolve(f))).as(f).isEqualTo(stable(clean.resolve(f)));
        assertThat(Files.readString(killed.resolve(Sweep.PLAN))).isEqualTo(Files.readString(clean.resolve(Sweep.PLAN)));
        assertThat(temps(killed)).isEmpty();
    }

    @Test
    void theSparkEngineNeedsItsModuleAndAnUnknownEngineIsRefused() throws Exception {
        Path yaml = tmp.resolve("s.yaml");
        Files.writeString(yaml, "topology: synthetic:cores=2\npolicy: [pull]\nworkload: [poisson:rate=500]\nduration: 20ms\n");
        Path out = tmp.resolve("out");
        String old = System.getProperty("schedlab.spark.dir");
        System.setProperty("schedlab.spark.dir", tmp.resolve("no-module").toString());
        try {
            CompareCommandTest.Run r = CompareCommandTest.run("sweep", yaml.toString(), "--out", out.toString(), "--engine", "spark");
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err().lines()).singleElement().asString().contains("the Spark module is not built")
                    .contains("mvn -B -q -f spark/pom.xml package -DskipTests");
        } finally {
            if (old == null) System.clearProperty("schedlab.spark.dir");
            else System.setProperty("schedlab.spark.dir", old);
        }
        CompareCommandTest.Run r = CompareCommandTest.run("sweep", yaml.toString(), "--out", out.toString(), "--engine", "hadoop");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--engine: expected local or spark[:MASTER], got 'hadoop'");
        assertThat(Files.exists(out)).isFalse();
    }

    /** A sweep reuses only a result file made from exactly its run's spec; report groups only exact twins. */
    @Test
    void onlyAnExactTwinIsReusedOrGroupedWithItsNamesakes() throws Exception {
        Path yaml = tmp.resolve("s.yaml"), out = tmp.resolve("out");
        Files.writeString(yaml, "topology: synthetic:cores=2\npolicy: [pull, global]\nworkload: [poisson:rate=500]\n"
                + "seeds: [1]\nduration: 20ms\n");
        assertThat(CompareCommandTest.run("sweep", yaml.toString(), "--out", out.toString()).exit()).isZero();
        List<String> names = List.copyOf(results(out));
        // a file copied over another run's, as the issue did, is not taken for that run
        Files.copy(out.resolve(names.get(0)), out.resolve(names.get(1)), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        CompareCommandTest.Run again = CompareCommandTest.run("sweep", yaml.toString(), "--out", out.toString());
        assertThat(again.out()).isEqualTo("sweep: 2 runs, 1 already done, 1 executed; results in " + out + "\n");
        assertThat(stable(out.resolve(names.get(1))).get("config").get("policy").asText())
                .isNotEqualTo(stable(out.resolve(names.get(0))).get("config").get("policy").asText());

        // two runs that differ only in duration are two cases of the report, not one averaged case
        Path dir = Files.createDirectories(tmp.resolve("runs"));
        for (String d : new String[]{"20ms", "30ms"})
            for (String p : new String[]{"pull", "global"})
                assertThat(CompareCommandTest.run("run", "--topology", "synthetic:cores=2", "--policy", p, "--workload",
                        "poisson:rate=500", "--duration", d, "--json", dir.resolve(p + "-" + d + ".json").toString()).exit()).isZero();
        CompareCommandTest.Run report = CompareCommandTest.run("report", dir.toString());
        assertThat(report.exit()).as(report.err()).isZero();
        assertThat(report.out().lines().filter(l -> l.startsWith("poisson:rate=500"))).hasSize(2);
    }
}
