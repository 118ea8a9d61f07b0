package org.schedlab.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class SweepTest {
    @TempDir Path tmp;

    static final String YAML = """
            topology: [synthetic:cores=4]
            policy: [pull, random]
            workload: [poisson]
            seeds: 2
            duration: 30ms
            params:
              rate: [1000, 4000]
            """;

    private static Grid grid() { return SweepFile.parse("sweep.yaml", YAML); }

    static TreeSet<String> resultFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json") && !n.startsWith(".")
                    && !n.equals(Sweep.PLAN)).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** The result with its only nondeterministic field removed. */
    static JsonNode stable(Path file) throws IOException {
        ObjectNode n = (ObjectNode) Runner.JSON.readTree(file.toFile());
        n.remove("wall_time_ms");
        return n;
    }

    @Test
    void writesOneFilePerRunNamedFromItsSpecAndThePlan() throws Exception {
        Path out = tmp.resolve("out");
        Sweep.Outcome o = Sweep.run(grid(), out, 2, null);
        assertThat(o).isEqualTo(new Sweep.Outcome(8, 0, 8));
        List<String> expected = new ArrayList<>();
        for (RunSpec s : grid().expand()) expected.add(ResultStore.fileName(s));
        assertThat(resultFiles(out)).containsExactlyInAnyOrderElementsOf(expected);
        JsonNode plan = Runner.JSON.readTree(out.resolve(Sweep.PLAN).toFile());
        assertThat(plan.get("runs_total").asInt()).isEqualTo(8);
        assertThat(plan.get("runs")).extracting(r -> r.get("file").asText()).containsExactlyElementsOf(expected);
        for (JsonNode r : plan.get("runs")) {
            JsonNode result = Runner.JSON.readTree(out.resolve(r.get("file").asText()).toFile());
            JsonNode spec = r.get("spec"), cfg = result.get("config");
            assertThat(cfg.get("policy")).isEqualTo(spec.get("policy"));
            assertThat(cfg.get("seed").asLong()).isEqualTo(spec.get("seed").asLong());
            assertThat(cfg.get("params")).isEqualTo(spec.get("params"));
        }
        try (Stream<Path> s = Files.list(out)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void rerunningSkipsFinishedRunsAndRedoesMissingOnes() throws Exception {
        Path out = tmp.resolve("out");
        Sweep.run(grid(), out, 2, null);
        assertThat(Sweep.run(grid(), out, 2, null)).isEqualTo(new Sweep.Outcome(8, 8, 0));

        List<RunSpec> specs = grid().expand();
        JsonNode before = stable(out.resolve(ResultStore.fileName(specs.get(5))));
        Files.delete(out.resolve(ResultStore.fileName(specs.get(5))));
        Files.writeString(out.resolve(ResultStore.fileName(specs.get(6))), "{\"schema\": \"sched");
        Files.writeString(out.resolve("." + ResultStore.fileName(specs.get(7)) + ".99.tmp"), "{");
        List<Integer> executed = new ArrayList<>();
        Sweep.Outcome o = Sweep.run(grid(), out, 1, todo -> {
            assertThat(todo).extracting(ResultStore::fileName)
                    .containsExactly(ResultStore.fileName(specs.get(5)), ResultStore.fileName(specs.get(6)));
            return (i, done, total) -> executed.add(i);
        });
        assertThat(o).isEqualTo(new Sweep.Outcome(8, 6, 2));
        assertThat(executed).containsExactly(0, 1);
        assertThat(stable(out.resolve(ResultStore.fileName(specs.get(5))))).isEqualTo(before);
        try (ResultStore st = ResultStore.open(out)) {
            assertThat(st.isDone(specs.get(6))).isTrue();
        }
        try (Stream<Path> s = Files.list(out)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void resultsDoNotDependOnTheNumberOfThreads() throws Exception {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        Sweep.run(grid(), a, 1, null);
        Sweep.run(grid(), b, 3, null);
        assertThat(resultFiles(a)).isEqualTo(resultFiles(b));
        for (String f : resultFiles(a)) assertThat(stable(b.resolve(f))).as(f).isEqualTo(stable(a.resolve(f)));
        assertThat(Files.readString(a.resolve(Sweep.PLAN))).isEqualTo(Files.readString(b.resolve(Sweep.PLAN)));
    }
}
