package org.schedlab.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedlab.InputError;
import org.schedlab.experiment.RunSpec;
import org.schedlab.experiment.Runner;
import org.schedlab.experiment.SweepFile;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a run may be asked for is the same whichever parser reads it: duration, warm-up and seed limits agree. */
class RunLimitsTest {
    @TempDir Path tmp;

    private static String[] exec(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return new String[]{Integer.toString(cl.execute(args)), err.toString()};
    }

    private static final String[] RUN = {"run", "--topology", "synthetic:cores=2", "--policy", "pull", "--workload", "schbench"};

    private static String[] run(String... extra) {
        String[] a = java.util.Arrays.copyOf(RUN, RUN.length + extra.length);
        System.arraycopy(extra, 0, a, RUN.length, extra.length);
        return exec(a);
    }

    @Test
    void aWarmupThatCoversTheRunIsRefusedInOneLine() {
        for (String w : new String[]{"25ms", "50ms"}) {
            String[] r = run("--duration", "25ms", "--warmup", w);
            assertThat(r[0]).isEqualTo("2");
            assertThat(r[1]).isEqualTo("schedlab: --warmup " + w + " is not shorter than --duration 25ms: nothing would be measured\n");
        }
        assertThatThrownBy(() -> SweepFile.parse("s.yaml", "topology: synthetic\npolicy: pull\nworkload: schbench\n"
                + "seeds: 1\nduration: 25ms\nwarmup: 25ms\n")).isInstanceOf(InputError.class)
                .hasMessage("s.yaml:6: 'warmup' 25ms is not shorter than 'duration' 25ms: nothing would be measured");
    }

    @Test
    void theWorkloadsOwnWarmupMustAlsoLeaveSomethingToMeasure() {
        RunSpec s = RunSpec.of("synthetic:cores=2", "pull", "schbench:warmup=200ms", 100_000_000L, 1);
        assertThatThrownBy(() -> Runner.prepare(s)).isInstanceOf(InputError.class)
                .hasMessage("warm-up 200ms (the workload's own) is not shorter than the duration 100ms: nothing would be measured");
    }

    @Test
    void everyParserHasTheSameDurationLimitInTheSameWords() throws IOException {
        String limit = "is longer than the limit of 3600s";
        assertThat(run("--duration", "61m")[1]).isEqualTo("schedlab: --duration: duration '61m' " + limit + "\n");
        assertThat(run("--duration", "150m")[1]).isEqualTo("schedlab: --duration: duration '150m' " + limit + "\n");
        assertThatThrownBy(() -> SweepFile.parse("s.yaml", "topology: synthetic\npolicy: pull\nworkload: schbench\n"
                + "seeds: 1\nduration: 61m\n")).hasMessage("s.yaml:5: duration: duration '61m' " + limit);
        // an rt-app file's own global.duration beyond the limit used to run with its end event dropped
        Path rt = tmp.resolve("long.json");
        Files.writeString(rt, "{\"global\": {\"duration\": 3601}, \"tasks\": {\"a\": {\"loop\": -1, \"run\": 1000, \"sleep\": 1000}}}");
        RunSpec s = RunSpec.of("synthetic:cores=2", "pull", "rtapp:" + rt, 1_000_000_000L, 1);
        s.durationFromWorkload = true;
        assertThatThrownBy(() -> Runner.prepare(s)).isInstanceOf(InputError.class)
                .hasMessage("rtapp:" + rt + ": its own duration '3601s' " + limit + "; give --duration");
        s.durationFromWorkload = false;
        s.durationNs = RunSpec.MAX_DURATION_NS;
        assertThat(Runner.prepare(s).config.durationNs).isEqualTo(3_600_000_000_000L);
    }

    @Test
    void aNegativeSeedIsRefusedAsSweepsRefuseIt() {
        String[] r = run("--duration", "10ms", "--seed", "-1");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).isEqualTo("schedlab: --seed: must be 0 or more, got -1\n");
        assertThatThrownBy(() -> SweepFile.parse("s.yaml", "topology: synthetic\npolicy: pull\nworkload: schbench\n"
                + "seeds: [-1]\nduration: 10ms\n")).hasMessageContaining("'seeds' entries must be integers >= 0");
    }
}
