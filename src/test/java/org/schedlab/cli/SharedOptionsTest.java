package org.schedlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.schedlab.experiment.Runner;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The options that several commands share are the same options: same names, help, checks and effect. */
class SharedOptionsTest {
    @TempDir Path tmp;

    private record Result(int exit, String out, String err) {}

    /** Runs the CLI; {@code run} prints its summary on System.out, the others on the command line's writer. */
    private static Result exec(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        if (!args[0].equals("run")) return new Result(cl.execute(args), out.toString(), err.toString());
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf));
        try {
            int exit = cl.execute(args);
            return new Result(exit, buf.toString(), err.toString());
        } finally {
            System.setOut(old);
        }
    }

    private static final List<String> MACHINE_AND_RUN = List.of("--topology", "--keep-numa", "--costs", "--slice",
            "--delay-dequeue", "--hz", "--workload", "--duration", "--warmup");

    private static OptionSpec option(String command, String name) {
        return Main.commandLine().getSubcommands().get(command).getCommandSpec().findOption(name);
    }

    @Test
    void runAndCompareDeclareTheSameMachineAndRunOptions() {
        for (String name : MACHINE_AND_RUN) {
            OptionSpec r = option("run", name), c = option("compare", name);
            assertThat(r).as("run %s", name).isNotNull();
            assertThat(c).as("compare %s", name).isNotNull();
            assertThat(c.description()).as(name).isEqualTo(r.description());
            assertThat(c.paramLabel()).as(name).isEqualTo(r.paramLabel());
            assertThat(c.required()).as(name).isEqualTo(r.required());
            assertThat(c.defaultValue()).as(name).isEqualTo(r.defaultValue());
        }
    }

    @Test
    void everyParallelCommandTakesTheSameJobsOption() {
        OptionSpec first = option("compare", "--jobs");
        for (String cmd : List.of("sweep", "study", "validate")) {
            OptionSpec j = option(cmd, "--jobs");
            assertThat(j).as(cmd).isNotNull();
            assertThat(j.description()).as(cmd).isEqualTo(first.description());
            assertThat(j.paramLabel()).as(cmd).isEqualTo(first.paramLabel());
        }
    }

    /** Every shared option with a value other than its default. */
    private static final String[] SHARED = {"--topology", "synthetic:llcs=2,cores=2", "--keep-numa", "--costs", "none",
            "--slice", "off", "--delay-dequeue", "on", "--hz", "1000", "--workload", "poisson:rate=3000,service=exp:500us",
            "--duration", "30ms", "--warmup", "5ms"};

    @Test
    void compareRunsExactlyWhatRunRunsWithTheSameSharedOptions() throws Exception {
        List<String> r = new ArrayList<>(List.of("run", "--policy", "pull", "--seed", "1", "--json",
                tmp.resolve("r.json").toString()));
        r.addAll(List.of(SHARED));
        Result run = exec(r.toArray(new String[0]));
        assertThat(run.exit).as(run.err).isZero();
        JsonNode rj = Runner.JSON.readTree(tmp.resolve("r.json").toFile());
        JsonNode cfg = rj.get("config");
        assertThat(cfg.get("hz").asInt()).isEqualTo(1000);
        assertThat(cfg.get("warmup_ns").asLong()).isEqualTo(5_000_000L);
        assertThat(rj.get("sim_time_ns").asLong()).isEqualTo(30_000_000L);

        List<String> c = new ArrayList<>(List.of("compare", "--policies", "pull,random", "--seeds", "1",
                "--format", "json", "--jobs", "1"));
        c.addAll(List.of(SHARED));
        Result cmp = exec(c.toArray(new String[0]));
        assertThat(cmp.exit).as(cmp.err).isZero();
        JsonNode cell = Runner.JSON.readTree(cmp.out).get("tables").get(0).get("rows").get(0).get("cells").get(0);
        assertThat(cell.get("policy").asText()).isEqualTo("pull");
        // one seed: the cell's value is that run's headline number
        assertThat(cell.get("value").asDouble()).isEqualTo(rj.get("throughput").get("value").asDouble());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--slice=maybe", "--costs=cheap", "--delay-dequeue=yes", "--duration=0s", "--warmup=soon", "--fair=bfs"})
    void aBadSharedValueGetsTheSameOneLineFromRunAndCompare(String bad) {
        String[] base = {"--topology", "synthetic:cores=2", "--workload", "poisson", bad};
        List<String> r = new ArrayList<>(List.of("run", "--policy", "pull"));
        r.addAll(List.of(base));
        List<String> c = new ArrayList<>(List.of("compare", "--policies", "pull,random", "--seeds", "2"));
        c.addAll(List.of(base));
        Result a = exec(r.toArray(new String[0])), b = exec(c.toArray(new String[0]));
        String option = bad.substring(0, bad.indexOf('='));
        for (Result x : List.of(a, b)) {
            assertThat(x.exit).isEqualTo(Main.EXIT_INPUT);
            assertThat(x.err.lines()).hasSize(1);
            assertThat(x.err).startsWith("schedlab: " + option + ": ");
        }
        assertThat(b.err).isEqualTo(a.err);
    }

    @Test
    void cfsAndDelayDequeueAreRefusedTogether() {
        Result r = exec("run", "--policy", "pull", "--topology", "synthetic:cores=2", "--workload", "poisson",
                "--fair", "cfs", "--delay-dequeue", "on");
        assertThat(r.exit).isEqualTo(Main.EXIT_INPUT);
        assertThat(r.err).isEqualTo("schedlab: --fair cfs: DELAY_DEQUEUE is EEVDF's; use --delay-dequeue off\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "compare", "bench", "sweep", "study", "validate"})
    void aTypoedOptionGetsOneClearLineAndExitTwo(String command) throws Exception {
        Path yaml = Files.writeString(tmp.resolve("s.yaml"), "x: 1\n");
        List<String> a = new ArrayList<>(List.of(command));
        switch (command) {
            case "run" -> a.addAll(List.of("--topology", "synthetic:cores=2", "--policy", "pull", "--workload", "poisson"));
            case "compare" -> a.addAll(List.of("--topology", "synthetic:cores=2", "--policies", "pull", "--workload",
                    "poisson", "--seeds", "1"));
            case "sweep" -> a.addAll(List.of(yaml.toString(), "--out", tmp.resolve("out").toString()));
            case "study" -> a.addAll(List.of(yaml.toString(), "--doc", tmp.resolve("doc.md").toString()));
            default -> { }
        }
        a.add("--dration=5ms");
        Result r = exec(a.toArray(new String[0]));
        assertThat(r.exit).isEqualTo(Main.EXIT_INPUT);
        assertThat(r.err.lines()).hasSize(1);
        assertThat(r.err).startsWith("schedlab: Unknown option: '--dration=5ms'")
                .contains("schedlab " + command + " --help");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"compare", "sweep", "validate"})
    void jobsIsCheckedTheSameWayEverywhere(String command) throws Exception {
        Path yaml = Files.writeString(tmp.resolve("s.yaml"), "x: 1\n");
        List<String> a = new ArrayList<>(List.of(command, "--jobs", "0"));
        switch (command) {
            case "compare" -> a.addAll(List.of("--topology", "synthetic:cores=2", "--policies", "pull", "--workload",
                    "poisson", "--seeds", "1"));
            case "sweep" -> a.addAll(List.of(yaml.toString(), "--out", tmp.resolve("out").toString()));
            default -> { }
        }
        Result r = exec(a.toArray(new String[0]));
        assertThat(r.exit).isEqualTo(Main.EXIT_INPUT);
        assertThat(r.err).isEqualTo("schedlab: --jobs: must be at least 1, got 0\n");
    }
}
