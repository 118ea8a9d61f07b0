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
        List<String> ids = Study.read(Path.of("docs/push-vs-pull.yaml")).stream().map(s -> s.id).toList();
        for (String id : ids) {
            Matcher b = Pattern.compile("<!-- study:" + id + " -->\n(.*?)<!-- /study:" + id + " -->", Pattern.DOTALL).matcher(real);
            assertThat(b.find()).as("block " + id).isTrue();
            assertTableShape(b.group(1), id);
        }
    }

    @Test
    void aDocumentWithoutTheBlockIsAnInputError() {
        assertThatThrownBy(() -> Study.splice("# nothing\n", "x", "y", "doc.md"))
                .isInstanceOf(InputError.class).hasMessageContaining("doc.md: no block <!-- study:x -->");
    }
}
