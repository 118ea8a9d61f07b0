package org.schedlab.spark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedlab.experiment.Sweep;
import org.schedlab.experiment.SweepFile;
import org.schedlab.policy.ForwardingPolicy;
import org.schedlab.policy.linux.FairPolicy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The Spark engine writes what the local engine writes, resumes, reports failing runs and survives retries. */
class SparkSweepTest {
    private static final String SWEEP = """
            topology: [desktop-8c16t]
            policy: [pull, "push:nohz=per-llc"]
            workload: [hackbench]
            params:
              groups: [1, 2]
            seeds: 2
            duration: 20ms
            """;

    /**
     * A policy that, once armed, fails one attempt the way a lost executor does (an error, not a bug of the run),
     * and runs pull otherwise.
     */
    public static final class DiesOnce extends ForwardingPolicy {
        static final AtomicBoolean ARMED = new AtomicBoolean();

        public DiesOnce() { super(FairPolicy.pull()); }

        @Override public void tick(int cpu, boolean idle) {
            if (ARMED.compareAndSet(true, false)) throw new AssertionError("executor lost");
            super.tick(cpu, idle);
        }
    }

    /** A policy whose every attempt fails with an error: Spark gives up on the task. */
    public static final class AlwaysLost extends ForwardingPolicy {
        public AlwaysLost() { super(FairPolicy.pull()); }

        @Override public void tick(int cpu, boolean idle) { throw new AssertionError("executor lost again"); }
    }

    /** A policy whose runs always throw: a bug in the model, not in the machinery. */
    public static final class Broken extends ForwardingPolicy {
        public Broken() { super(FairPolicy.pull()); }

        @Override public void tick(int cpu, boolean idle) { throw new IllegalStateException("broken policy"); }
    }

    private record Result(int exit, String err) {}

    private static Result spark(Path sweep, Path out, String master) {
        StringWriter err = new StringWriter();
        int exit = SparkSweep.commandLine(new PrintWriter(err, true)).execute(sweep.toString(), "--out", out.toString(), "--master", master);
        return new Result(exit, err.toString());
    }

    private static void local(Path sweep, Path out) {
        Sweep.run(SweepFile.load(sweep), out, 2, null);
    }

    /** Every file of a result directory with wall_time_ms lines removed (the only thing a rerun may change). */
    private static TreeMap<String, String> contents(Path dir) throws IOException {
        TreeMap<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".json")).collect(Collectors.toList())) {
                String text = Files.readString(p, StandardCharsets.UTF_8);
                m.put(p.getFileName().toString(), text.lines().filter(l -> !l.contains("\"wall_time_ms\"")).collect(Collectors.joining("\n")));
            }
        }
        return m;
    }

    private static List<String> temps(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).collect(Collectors.toList());
        }
    }

    @Test
    void sparkResultsAreTheLocalOnesAndAResumedSweepFinishesAnInterruptedOne(@TempDir Path tmp) throws IOException {
        Path sweep = tmp.resolve("s.yaml");
        Files.writeString(sweep, SWEEP);
        Path byLocal = tmp.resolve("local"), bySpark = tmp.resolve("spark");
        local(sweep, byLocal);
        Result r = spark(sweep, bySpark, "local[2]");
        assertThat(r.exit).as(r.err).isZero();
        TreeMap<String, String> expected = contents(byLocal);
        assertThat(expected).hasSize(9);   // 8 runs and the plan
        assertThat(contents(bySpark)).isEqualTo(expected);

        // an interrupted sweep: three results missing, one cut short, a temp file of a killed writer
        List<String> runs = expected.keySet().stream().filter(n -> !n.equals(Sweep.PLAN)).collect(Collectors.toList());
        for (int i = 0; i < 3; i++) Files.delete(bySpark.resolve(runs.get(i)));
        Files.writeString(bySpark.resolve(runs.get(3)), "{\"schema\": ");
        Files.writeString(bySpark.resolve("." + runs.get(4) + ".12345.tmp"), "{");
        r = spark(sweep, bySpark, "local[2]");
        assertThat(r.exit).as(r.err).isZero();
        assertThat(contents(bySpark)).isEqualTo(expected);
        assertThat(temps(bySpark)).isEmpty();
    }

    @Test
    void aRunThatThrowsIsReportedByNameAndTheOthersFinish(@TempDir Path tmp) throws IOException {
        Path sweep = tmp.resolve("s.yaml");
        Files.writeString(sweep, SWEEP.replace("policy: [pull, \"push:nohz=per-llc\"]",
                "policy: [pull, \"class:" + Broken.class.getName() + "\"]"));
        Path out = tmp.resolve("out");
        Result r = spark(sweep, out, "local[2]");
        assertThat(r.exit).isEqualTo(1);
        assertThat(r.err.lines().filter(l -> l.contains("broken policy")).count()).isEqualTo(4);
        assertThat(r.err).contains("run of class:" + Broken.class.getName() + " on desktop-8c16t with hackbench");
        try (Stream<Path> s = Files.list(out)) {
            assertThat(s.filter(p -> p.getFileName().toString().contains("_pull_")).count()).isEqualTo(4);
        }
    }

    @Test
    void aTaskLostOnItsFirstAttemptIsRetriedWithoutDuplicatesOrPartialFiles(@TempDir Path tmp) throws IOException {
        Path sweep = tmp.resolve("s.yaml");
        Files.writeString(sweep, SWEEP.replace("policy: [pull, \"push:nohz=per-llc\"]",
                "policy: [\"class:" + DiesOnce.class.getName() + "\"]"));
        Path byLocal = tmp.resolve("local"), bySpark = tmp.resolve("spark");
        local(sweep, byLocal);
        DiesOnce.ARMED.set(true);
        // local[2, 2]: two threads, a task may fail twice
        Result r = spark(sweep, bySpark, "local[2,2]");
        assertThat(r.exit).as(r.err).isZero();
        assertThat(DiesOnce.ARMED).as("one attempt failed").isFalse();
        assertThat(contents(bySpark)).isEqualTo(contents(byLocal)).hasSize(5);
        assertThat(temps(bySpark)).isEmpty();
    }

    @Test
    void aTaskSparkGivesUpOnStopsTheSweepWithOneLineAndARerunResumes(@TempDir Path tmp) throws IOException {
        Path sweep = tmp.resolve("s.yaml");
        Files.writeString(sweep, SWEEP.replace("policy: [pull, \"push:nohz=per-llc\"]",
                "policy: [\"class:" + AlwaysLost.class.getName() + "\"]"));
        Path out = tmp.resolve("out");
        Result r = spark(sweep, out, "local[1]");
        assertThat(r.exit).isEqualTo(1);
        assertThat(r.err.lines().filter(l -> l.startsWith("schedlab: "))).singleElement().asString()
                .contains("Spark gave up on a task")
                .contains("run of class:" + AlwaysLost.class.getName() + " on desktop-8c16t with hackbench")
                .contains("executor lost again")
                .contains("rerunning resumes");
        assertThat(r.err).doesNotContain("\tat ");
        assertThat(temps(out)).isEmpty();
        assertThat(contents(out)).containsOnlyKeys(Sweep.PLAN);
    }

    @Test
    void aMissingOrBadSweepFileIsOneLineAndNoOutput(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("out");
        Result r = spark(tmp.resolve("absent.yaml"), out, "local[1]");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err.lines()).singleElement().asString()
                .isEqualTo("schedlab: " + tmp.resolve("absent.yaml") + ": no such file (expected a sweep file)");
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, SWEEP.replace("seeds: 2", "seeds: two"));
        r = spark(bad, out, "local[1]");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err.lines()).singleElement().asString().startsWith("schedlab: " + bad + ":6: 'seeds'");
        assertThat(Files.exists(out)).isFalse();
    }
}
