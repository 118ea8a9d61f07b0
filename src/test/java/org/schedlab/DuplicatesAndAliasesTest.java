package org.schedlab;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedlab.cost.CostProfile;
import org.schedlab.experiment.Study;
import org.schedlab.experiment.SweepFile;
import org.schedlab.report.HtmlReport;
import org.schedlab.workload.WorkloadException;
import org.schedlab.workload.rtapp.RtAppReader;
import org.schedlab.workload.trace.TraceReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a reader cannot take literally is refused in one line, not read silently in some way: YAML aliases (read as
 * their names), keys given twice (one of them silently lost), a trace with no task.
 */
class DuplicatesAndAliasesTest {
    @TempDir Path tmp;

    private static final String SWEEP = "topology: synthetic\npolicy: pull\nworkload: schbench\nseeds: 1\nduration: 20ms\n";

    /** The file: the alias used to read as the duration "5ms". */
    @Test
    void aYamlAliasInASweepFileIsRefusedWithItsLine() {
        assertThatThrownBy(() -> SweepFile.parse("s.yaml", SWEEP + "warmup: *5ms\n")).isInstanceOf(InputError.class)
                .hasMessage("s.yaml:6: YAML alias '*5ms' is not supported; write the value out");
        assertThatThrownBy(() -> SweepFile.parse("s.yaml", "topology: &t synthetic\npolicy: pull\nworkload: [*t]\n"
                + "seeds: 1\nduration: 20ms\n")).hasMessage("s.yaml:3: YAML alias '*t' is not supported; write the value out");
    }

    @Test
    void aYamlAliasInACostProfileOrStudyIsRefused() throws IOException {
        Path profile = tmp.resolve("p.yaml");
        Files.writeString(profile, "tickNs: &t 1000\ncontextSwitchNs: *t\n");
        assertThatThrownBy(() -> CostProfile.load(profile)).isInstanceOf(InputError.class)
                .hasMessage(profile + ":2: YAML alias '*t' is not supported; write the value out");
        Path study = tmp.resolve("s.yaml");
        Files.writeString(study, "sections:\n  - id: a\n    topology: synthetic\n    workload: schbench\n"
                + "    policies: [pull]\n    seeds: 1\n    duration: *d\n");
        assertThatThrownBy(() -> Study.read(study)).isInstanceOf(InputError.class)
                .hasMessage(study + ":7: YAML alias '*d' is not supported; write the value out");
    }

    @Test
    void aKeyGivenTwiceInAStudyFileIsRefused() throws IOException {
        Path study = tmp.resolve("s.yaml");
        Files.writeString(study, "sections:\n  - id: a\n    topology: synthetic\n    workload: schbench\n"
                + "    policies: [pull]\n    seeds: 1\n    duration: 20ms\n    seeds: 3\n");
        assertThatThrownBy(() -> Study.read(study)).isInstanceOf(InputError.class)
                .hasMessageStartingWith(study + ": not a readable study file: Duplicate field 'seeds'");
    }

    private static String rtapp(String json) {
        try {
            RtAppReader.parse("t.json", "t.json", json.getBytes(StandardCharsets.UTF_8), Map.of(), 0);
            return null;
        } catch (WorkloadException e) {
            return e.getMessage();
        }
    }

    @Test
    void anRtAppPropertyGivenTwiceIsRefusedWhileEventsMayRepeat() {
        assertThat(rtapp("{\"tasks\": {\"a\": {\"loop\": 1, \"run\": 10, \"sleep\": 10, \"run\": 20}}}")).isNull();
        assertThat(rtapp("{\"tasks\": {\"a\": {\"loop\": 1, \"run\": 10, \"loop\": 5}}}"))
                .isEqualTo("t.json:1:40: \"loop\" appears twice in task \"a\"; expected each key once");
        assertThat(rtapp("{\"tasks\": {\"a\": {\"phases\": {\"p\": {\"loop\": 2, \"cpus\": [0], \"run\": 1, \"cpus\": [1]}}}}}"))
                .contains("\"cpus\" appears twice in phase \"p\" of task \"a\"");
        assertThat(rtapp("{\"tasks\": {\"a\": {\"loop\": 1, \"timer\": {\"ref\": \"t\", \"period\": 100, \"period\": 200}}}}"))
                .contains("\"period\" appears twice in \"timer\"");
        assertThat(rtapp("{\"global\": {\"duration\": 1, \"duration\": 2}, \"tasks\": {\"a\": {\"loop\": 1, \"run\": 10}}}"))
                .contains("\"duration\" appears twice in \"global\"");
    }

    @Test
    void aResultWithAKeyGivenTwiceIsSkippedByTheReport() throws IOException {
        Path dir = tmp.resolve("r");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("dup.json"), "{\"schema\": \"schedlab-run/1\", \"config\": {\"topology\": \"t\", "
                + "\"policy\": \"p\", \"workload\": \"w\", \"policy\": \"q\"}, \"metrics\": {}, "
                + "\"throughput\": {\"metric\": \"m\", \"unit\": \"s\", \"higher_is_better\": false, \"value\": 1}}");
        List<String> skipped = new ArrayList<>();
        HtmlReport.Loaded l = HtmlReport.load(dir, skipped::add);
        assertThat(l.results()).isEmpty();
        assertThat(skipped).singleElement().asString().startsWith("dup.json: not valid JSON (Duplicate field 'policy'");
    }

    @Test
    void aTraceWithNoTaskIsRefused() throws IOException {
        Path empty = tmp.resolve("empty.txt"), comments = tmp.resolve("comments.txt");
        Files.writeString(empty, "");
        Files.writeString(comments, "# tracer: nop\n#\n#           TASK-PID     CPU#  TIMESTAMP  FUNCTION\n");
        for (Path p : new Path[]{empty, comments})
            assertThatThrownBy(() -> TraceReader.read(p)).isInstanceOf(InputError.class)
                    .hasMessageStartingWith(p + ": no task runs in this trace");
    }
}
