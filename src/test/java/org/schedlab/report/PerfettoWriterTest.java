package org.schedlab.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedlab.InputError;
import org.schedlab.cli.Main;
import org.schedlab.experiment.RunSpec;
import org.schedlab.experiment.Runner;
import org.schedlab.topology.Topology;
import org.schedlab.topology.TopologySources;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Perfetto export: valid trace-event JSON, tracks that never overlap, and the time window. */
class PerfettoWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @TempDir Path tmp;

    private static RunSpec hackbench(String duration) {
        RunSpec s = RunSpec.of("epyc-9654-2s", "pull", "hackbench:groups=2",
                org.schedlab.Units.parseDuration("duration", duration), 1);
        return s;
    }

    /** Runs and exports; returns the parsed trace and the simulated end time. */
    private static JsonNode read(Path file) throws IOException {
        String text = Files.readString(file);
        assertThat(text).doesNotContainPattern("\"(ts|dur)\":(-|[0-9]+[,}]|[0-9]+\\.([0-9]{0,2}|[0-9]{4,})[,}])");
        return JSON.readTree(text);
    }

    private JsonNode export(RunSpec spec, long from, long to, Path file) throws IOException {
        Runner.Prepared p = Runner.prepare(spec);
        long end;
        try (PerfettoWriter w = new PerfettoWriter(file, p.topology, from, to, Map.of("policy", spec.policy))) {
            end = Runner.run(p, w).get("sim_time_ns").asLong();
            w.finish(end);
        }
        return read(file);
    }

    private static long ns(JsonNode micros) {
        return ((BigDecimal) micros.decimalValue()).movePointRight(3).longValueExact();
    }

    private static void checkTrace(JsonNode root, long from, long to, int nrCpus) {
        assertThat(root.get("displayTimeUnit").asText()).isEqualTo("ns");
        JsonNode events = root.get("traceEvents");
        assertThat(events.isArray()).isTrue();
        Set<String> phases = new HashSet<>();
        Map<String, List<long[]>> slicesByTrack = new HashMap<>();
        Set<String> threadNames = new HashSet<>();
        Set<Integer> pids = new HashSet<>(), tids = new HashSet<>();
        Map<Integer, Integer> processOfThread = new HashMap<>();
        for (JsonNode e : events) {
            String ph = e.get("ph").asText();
            phases.add(ph);
            pids.add(e.get("pid").asInt());
            if (!e.get("name").asText().startsWith("process_")) {
                assertThat(e.has("tid")).as("tid in %s", e).isTrue();
                tids.add(e.get("tid").asInt());
                assertThat(processOfThread.computeIfAbsent(e.get("tid").asInt(), k -> e.get("pid").asInt()))
                        .as("one process per thread: %s", e).isEqualTo(e.get("pid").asInt());
            }
            if (ph.equals("M")) {
                if (e.get("name").asText().equals("thread_name")) threadNames.add(e.get("args").get("name").asText());
                continue;
            }
            long ts = ns(e.get("ts"));
            assertThat(ts).isBetween(from, to - 1);
            if (ph.equals("X")) {
                long dur = ns(e.get("dur"));
                assertThat(dur).isPositive();
                assertThat(ts + dur).isLessThanOrEqualTo(to);
                assertThat(e.get("args").get("pid").asInt()).isPositive();
                assertThat(e.get("args").get("comm").asText()).isEqualTo(e.get("name").asText());
                slicesByTrack.computeIfAbsent(e.get("pid") + "/" + e.get("tid"), k -> new ArrayList<>())
                        .add(new long[]{ts, ts + dur});
            }
            if (ph.equals("C")) assertThat(e.get("args").get("nr_running").asInt()).isNotNegative();
            if (ph.equals("i")) assertThat(e.get("s").asText()).isEqualTo("t");
        }
        assertThat(phases).contains("M", "X", "C");
        assertThat(tids).hasSize(nrCpus).doesNotContainAnyElementsOf(pids).doesNotContain(0);
        assertThat(threadNames).hasSize(nrCpus).contains("CPU 0", "CPU " + (nrCpus - 1));
        assertThat(slicesByTrack).isNotEmpty();
        for (Map.Entry<String, List<long[]>> t : slicesByTrack.entrySet()) {
            List<long[]> s = t.getValue();
            s.sort(Comparator.comparingLong(a -> a[0]));
            for (int i = 1; i < s.size(); i++)
                assertThat(s.get(i)[0]).as("track %s slice %d", t.getKey(), i).isGreaterThanOrEqualTo(s.get(i - 1)[1]);
        }
    }

    @Test
    void windowedExportOfABusyRunIsAValidTrace() throws IOException {
        long from = 3_000_000, to = 11_000_000;
        Path file = tmp.resolve("trace.json");
        JsonNode root = export(hackbench("20ms"), from, to, file);
        checkTrace(root, from, to, 384);
        assertThat(root.get("otherData").get("policy").asText()).isEqualTo("pull");
        int migrations = 0, balance = 0, counters = 0;
        for (JsonNode e : root.get("traceEvents")) {
            String ph = e.get("ph").asText();
            if (ph.equals("i") && e.get("name").asText().startsWith("migrate ")) migrations++;
            if (ph.equals("i") && e.get("cat").asText().equals("balance")) balance++;
            if (ph.equals("C")) counters++;
        }
        assertThat(migrations).isPositive();
        assertThat(balance).isPositive();
        assertThat(counters).isGreaterThanOrEqualTo(384);
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void unboundedWindowClosesSlicesAtTheEndOfTheRun() throws IOException {
        Path file = tmp.resolve("all.json");
        RunSpec spec = hackbench("4ms");
        JsonNode root = export(spec, 0, Long.MAX_VALUE, file);
        long end = Runner.run(spec).get("sim_time_ns").asLong();
        checkTrace(root, 0, end + 1, 384);
    }

    @Test
    void aWindowAfterTheRunHasOnlyMetadata() throws IOException {
        Path file = tmp.resolve("late.json");
        JsonNode root = export(hackbench("2ms"), 5_000_000_000L, 6_000_000_000L, file);
        for (JsonNode e : root.get("traceEvents")) assertThat(e.get("ph").asText()).isEqualTo("M");
    }

    @Test
    void abandonedTraceLeavesNoFile() throws IOException {
        Topology topo = TopologySources.resolve("epyc-7763-2s", new TopologySources.Options());
        Path file = tmp.resolve("t.json");
        try (PerfettoWriter w = new PerfettoWriter(file, topo, 0, 100, Map.of())) {
            w.switchTo(0, 1, 5, "x");
        }
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void slicesAreClippedAndCountersStartAtTheWindow() throws IOException {
        Topology topo = TopologySources.resolve("epyc-7763-2s", new TopologySources.Options());
        Path file = tmp.resolve("t.json");
        try (PerfettoWriter w = new PerfettoWriter(file, topo, 1_000, 2_000, Map.of())) {
            w.taskName(7, 6, "worker <1>");
            w.switchTo(0, 3, 0, "swapper");
            w.nrRunning(500, 3, 1);
            w.nrRunning(500, 3, 2);
            w.switchTo(600, 3, 7, "worker <1>");
            w.nrRunning(1_500, 3, 1);
            w.nrRunning(1_500, 3, 1);
            w.overhead(1_500, 3, "newidle", 10);
            w.overhead(1_500, 3, "newidle", 5);
            w.overhead(1_500, 3, "kernel_ns.context_switch", 5);
            w.migrate(1_600, 7, "worker <1>", 2, 3, "wakeup");
            w.switchTo(1_700, 3, 0, "swapper");
            w.switchTo(1_800, 3, 7, "worker <1>");
            w.nrRunning(2_500, 3, 0);
            w.finish(3_000);
        }
        String text = Files.readString(file);
        JsonNode root = JSON.readTree(text);
        List<String> got = new ArrayList<>();
        for (JsonNode e : root.get("traceEvents")) {
            if (e.get("ph").asText().equals("M")) continue;
            if (e.get("ph").asText().equals("C") && !e.get("name").asText().equals("cpu 3")) continue;
            got.add(e.get("ph").asText() + " " + e.get("name").asText() + " " + e.get("ts").decimalValue().setScale(3)
                    + (e.has("dur") ? " " + e.get("dur").decimalValue().setScale(3) : "") + " " + e.get("args"));
        }
        assertThat(got).containsExactlyInAnyOrder(
                "C cpu 3 1.000 {\"nr_running\":2}",
                "C cpu 3 1.500 {\"nr_running\":1}",
                "i newidle 1.500 {\"ns\":15,\"count\":2}",
                "i migrate worker <1>:7 2->3 1.600 {\"reason\":\"wakeup\",\"pid\":7,\"from\":2,\"to\":3}",
                "X worker <1> 1.000 0.700 {\"pid\":7,\"tgid\":6,\"comm\":\"worker <1>\"}",
                "X worker <1> 1.800 0.200 {\"pid\":7,\"tgid\":6,\"comm\":\"worker <1>\"}");
        assertThat(text.split("\n").length).isEqualTo(root.get("traceEvents").size() + 2);
        assertThat(text).contains("\"ts\":1.000,", "\"dur\":0.700,");
    }

    @Test
    void microsHaveThreeDecimals() {
        assertThat(PerfettoWriter.micros(0)).isEqualTo("0.000");
        assertThat(PerfettoWriter.micros(7)).isEqualTo("0.007");
        assertThat(PerfettoWriter.micros(1_234_567)).isEqualTo("1234.567");
        assertThat(PerfettoWriter.micros(5_000_000_000_000L)).isEqualTo("5000000000.000");
    }

    @Test
    void windowParsing() {
        assertThat(PerfettoWriter.parseWindow("0-100ms")).containsExactly(0, 100_000_000);
        assertThat(PerfettoWriter.parseWindow("1s-1.5s")).containsExactly(1_000_000_000, 1_500_000_000);
        assertThat(PerfettoWriter.parseWindow(" 20us - 3ms ")).containsExactly(20_000, 3_000_000);
        assertThat(PerfettoWriter.parseWindow("2-5ms")).containsExactly(2_000_000, 5_000_000);
        assertThat(PerfettoWriter.parseWindow("500ms-")).containsExactly(500_000_000, Long.MAX_VALUE);
        for (String bad : new String[]{"", "100ms", "-5ms", "5ms-2ms", "5ms-5ms", "1x-2ms", "a-b", "1-2"})
            assertThatThrownBy(() -> PerfettoWriter.parseWindow(bad)).as(bad).isInstanceOf(InputError.class)
                    .hasMessageStartingWith("--window: ").hasMessageNotContaining("\n");
    }

    private record Cli(int exit, String err) {}

    private static Cli cli(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err));
        return new Cli(cl.execute(args), err.toString());
    }

    @Test
    void runCommandWritesTheTrace() throws IOException {
        Path file = Files.createDirectories(tmp.resolve("sub")).resolve("run.json");
        Cli r = cli("run", "--topology", "epyc-7763-2s", "--policy", "pull", "--workload", "hackbench:groups=1",
                "--duration", "3ms", "--perfetto", file.toString(), "--window", "1-2ms");
        assertThat(r.exit).as(r.err).isZero();
        checkTrace(read(file), 1_000_000, 2_000_000, 256);
    }

    @Test
    void badWindowIsAOneLineInputError() {
        Path file = tmp.resolve("run.json");
        for (String[] extra : new String[][]{{"--perfetto", file.toString(), "--window", "9ms-3ms"}, {"--window", "0-1ms"}}) {
            List<String> args = new ArrayList<>(List.of("run", "--topology", "epyc-7763-2s", "--policy", "pull",
                    "--workload", "hackbench:groups=1", "--duration", "1ms"));
            args.addAll(List.of(extra));
            Cli r = cli(args.toArray(String[]::new));
            assertThat(r.exit).isEqualTo(Main.EXIT_INPUT);
            assertThat(r.err).startsWith("schedlab: ").contains("--window");
            assertThat(r.err.strip()).doesNotContain("\n");
        }
        assertThat(file).doesNotExist();
    }

    /** The case: a killed {@code run --perfetto} left its temporary file behind. */
    @Test
    void aKilledTraceLeavesNoTemporaryFileOrTheNextOneRemovesIt() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("k")), file = dir.resolve("t.json");
        for (boolean sigkill : new boolean[]{false, true}) {
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(javaBin, "-Xss4m", "-cp", System.getProperty("java.class.path"),
                    "org.schedlab.cli.Main", "run", "--topology", "epyc-7763-2s", "--policy", "pull", "--workload",
                    "poisson:rate=400000", "--duration", "60s", "--perfetto", file.toString())
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("kill.log").toFile()).start();
            try {
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
                while (System.nanoTime() < deadline && p.isAlive() && temps(dir).isEmpty()) Thread.sleep(5);
                assertThat(temps(dir)).as(Files.readString(tmp.resolve("kill.log"))).isNotEmpty();
            } finally {
                if (sigkill) p.destroyForcibly();
                else p.destroy();
                p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertThat(file).doesNotExist();
            if (!sigkill) assertThat(temps(dir)).as("SIGTERM: the shutdown hook removes it").isEmpty();
        }
        assertThat(temps(dir)).as("SIGKILL leaves it").hasSize(1);
        Cli r = cli("run", "--topology", "synthetic:cores=2", "--policy", "pull", "--workload", "hackbench:groups=1",
                "--duration", "2ms", "--perfetto", file.toString());
        assertThat(r.exit).as(r.err).isZero();
        assertThat(file).exists();
        assertThat(temps(dir)).as("the next trace to the same file removes what the killed run left").isEmpty();
    }

    private static List<String> temps(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
        }
    }
}
