package org.schedlab.experiment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedlab.InputError;
import org.schedlab.cli.Main;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The study document's tables come from the study command: a small study regenerated here has the same
 * layout, line for line, as every generated block of docs/push-vs-pull.md, and every section of the study
 * file has its block in the document.
 */
class StudyTest {
    private static final Pattern BLOCK = Pattern.compile("<!-- study:([a-z0-9-]+) -->\n(.*?)<!-- /study:\\1 -->", Pattern.DOTALL);

    /** The shape of a line: numbers, names and padding abstracted away. */
    static String shape(String line) {
        if (line.startsWith("=====")) return "RULE";
        if (line.startsWith("Test          : ")) return "TEST";
        if (line.startsWith("Units         : ")) return "UNITS";
        if (line.startsWith("Interpretation: ")) return line.endsWith("Higher is better") || line.endsWith("Lower is better") ? "INTERP" : "BAD " + line;
        if (line.startsWith("Statistic     : ")) return line.matches("Statistic     : (AMean|HMean|Median)") ? "STAT" : "BAD " + line;
        if (line.matches("\\S.*:\\s+.*\\[pct imp\\]\\(CV\\).*")) return "CASE";
        // a zero baseline has no ratio: "-" for the value and the improvement
        if (line.matches("\\s*\\S.*?(\\s+(\\d+\\.\\d\\d|-) \\[\\s*(-?\\d+\\.\\d\\d|-)\\]\\(\\s*\\d+\\.\\d\\d\\)\\*?)+\\s*")) return "ROW";
        if (line.startsWith("*: ")) return "FOOTER";
        if (line.equals("```") || line.isBlank()) return "FENCE";
        return "OTHER " + line;
    }

    private static void assertTableShape(String block, String where) {
        List<String> lines = block.lines().toList();
        assertThat(lines).as(where).isNotEmpty();
        assertThat(lines.get(0)).as(where).isEqualTo("```");
        assertThat(lines.get(lines.size() - 1)).as(where).isEqualTo("```");
        int tables = 0;
        for (String l : lines) {
            String s = shape(l);
            assertThat(s).as(where + ": " + l).doesNotStartWith("OTHER").doesNotStartWith("BAD");
            if (s.equals("TEST")) tables++;
        }
        assertThat(tables).as(where).isPositive();
    }

    @Test
    void aSmallStudyRegeneratesAndEveryDocumentBlockHasItsLayout(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("s.yaml"), doc = dir.resolve("d.md");
        Files.writeString(yaml, "sections:\n  - id: tiny\n    topology: \"synthetic:llcs=2,cores=4\"\n"
                + "    workload: \"poisson:service=exp:200us\"\n    params: {rate: [2000, 20000]}\n"
                + "    policies: [pull, push]\n    seeds: 2\n    duration: 50ms\n"
                + "    metrics: [metrics.balance_overhead_total_ns]\n");
        Files.writeString(doc, "# t\n\n<!-- study:tiny -->\nstale\n<!-- /study:tiny -->\n\ntail\n");
        int exit = Main.commandLine().execute("study", yaml.toString(), "--doc", doc.toString(), "--jobs", "2");
        assertThat(exit).isZero();
        String text = Files.readString(doc);
        assertThat(text).doesNotContain("stale").endsWith("tail\n");
        Matcher m = BLOCK.matcher(text);
        assertThat(m.find()).isTrue();
        assertTableShape(m.group(2), "regenerated");

        Path studyDoc = Path.of("docs/push-vs-pull.md");
        String real = Files.readString(studyDoc);
        for (Study.Section s : Study.read(Path.of("docs/push-vs-pull.yaml"))) {
            Matcher b = Pattern.compile("<!-- study:" + s.id + " -->\n(.*?)<!-- /study:" + s.id + " -->", Pattern.DOTALL).matcher(real);
            assertThat(b.find()).as("block " + s.id).isTrue();
            if (s.checks == null) assertTableShape(b.group(1), s.id);
            else assertThat(b.group(1)).as(s.id).startsWith("| check | model | published | tolerance | verdict |\n|---|")
                    .containsPattern("\n\\d+ of \\d+ reproduced\\.\n");
        }
    }

    @Test
    void aChecksSectionIsRenderedAsOneRowPerCheckWithTheKnownCausesAsNotes() {
        List<Validation.Check> checks = List.of(
                new Validation.Check("tbench 256 / 1024", 0.98, 0.96, 0.144, "ratio", true, true, null),
                new Validation.Check("hackbench 16 / 1", 2.9, 1.6, 0.24, "ratio", false, true, "CPU time binds"));
        String md = org.schedlab.report.CheckTable.markdown(checks);
        assertThat(md.lines().toList()).startsWith("| check | model | published | tolerance | verdict |", "|---|---|---|---|---|",
                "| tbench 256 / 1024 | 0.9800 ratio | 0.9600 | ±0.1440 | reproduced |",
                "| hackbench 16 / 1 | 2.9000 ratio | 1.6000 | ±0.2400 | not reproduced (1) |");
        assertThat(md).contains("1 of 2 reproduced.").endsWith("1. CPU time binds\n");
    }

    @Test
    void aChecksSectionNamesAKnownSuiteAndNothingElse(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("s.yaml");
        Files.writeString(yaml, "sections:\n  - id: c\n    checks: everything\n");
        assertThatThrownBy(() -> Study.read(yaml)).isInstanceOf(InputError.class)
                .hasMessage(yaml + ": section 'c': checks must be one of [mainline-curves, published-mechanisms], got 'everything'");
        Files.writeString(yaml, "sections:\n  - id: c\n    checks: mainline-curves\n    seeds: 3\n");
        assertThatThrownBy(() -> Study.read(yaml)).isInstanceOf(InputError.class)
                .hasMessage(yaml + ": section 'c': a 'checks' section has only 'id' and 'checks'");
        Files.writeString(yaml, "sections:\n  - id: c\n    checks: published-mechanisms\n");
        assertThat(Study.read(yaml)).singleElement().satisfies(s -> assertThat(s.checks).isEqualTo("published-mechanisms"));
    }

    @Test
    void aSectionRunsInTheTaskGroupItNames(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("s.yaml");
        String base = "sections:\n  - id: g\n    topology: synthetic\n    workload: poisson\n    policies: [pull]\n"
                + "    seeds: 1\n    duration: 1ms\n";
        Files.writeString(yaml, base + "    task_group: autogroup\n    tg_load_ratelimit: off\n    fair: cfs\n");
        assertThat(Study.read(yaml)).singleElement().satisfies(s -> {
            assertThat(s.grid.template().autogroup).isTrue();
            assertThat(s.grid.template().tgLoadRatelimit).isFalse();
            assertThat(s.grid.template().cfs).isTrue();
        });
        Files.writeString(yaml, base + "    warmup: steady\n");
        assertThat(Study.read(yaml)).singleElement()
                .satisfies(s -> assertThat(s.grid.template().warmupNs).isEqualTo(RunSpec.WARMUP_STEADY));
        Files.writeString(dir.resolve("fixed.yaml"), "boostAllCores: 1\nboostAllThreads: 1\n");
        Files.writeString(yaml, base + "    costs: fixed.yaml\n");
        assertThat(Study.read(yaml)).singleElement().satisfies(s -> assertThat(s.grid.template().costProfile)
                .isEqualTo(dir.resolve("fixed.yaml").toAbsolutePath().normalize().toString()));
        Files.writeString(yaml, base + "    costs: missing.yaml\n");
        assertThatThrownBy(() -> Study.read(yaml)).isInstanceOf(InputError.class).hasMessageContaining("no cost profile file");
        Files.writeString(yaml, base + "    warmup: soon\n");
        assertThatThrownBy(() -> Study.read(yaml)).isInstanceOf(InputError.class).hasMessageContaining("warmup");
        Files.writeString(yaml, base + "    launch_cpu: 7\n");
        assertThat(Study.read(yaml)).singleElement().satisfies(s -> assertThat(s.grid.template().launchCpu).isEqualTo(7));
        Files.writeString(yaml, base + "    launch_cpu: last\n");
        assertThatThrownBy(() -> Study.read(yaml)).isInstanceOf(InputError.class)
                .hasMessage(yaml + ": section 'g': launch_cpu must be a CPU number, 0 or more, got 'last'");
        Files.writeString(yaml, base + "    task_group: session\n");
        assertThatThrownBy(() -> Study.read(yaml)).isInstanceOf(InputError.class)
                .hasMessage(yaml + ": section 'g': task_group must be autogroup or root, got 'session'");
    }

    @Test
    void aDocumentWithoutTheBlockIsAnInputError() {
        assertThatThrownBy(() -> Study.splice("# nothing\n", "x", "y", "doc.md"))
                .isInstanceOf(InputError.class).hasMessageContaining("doc.md: no block <!-- study:x -->");
    }
}
