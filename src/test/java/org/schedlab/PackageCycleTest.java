package org.schedlab;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The top-level packages under org.schedlab depend on each other without cycles: a graph is built from every
 * reference to {@code org.schedlab.X} (imports and fully qualified names) in the main sources, and must have no
 * cycle.
 */
class PackageCycleTest {
    private static final Path ROOT = Path.of("src/main/java/org/schedlab");
    private static final Pattern REF = Pattern.compile("\\borg\\.schedlab\\.([a-z][a-z0-9_]*)\\.");

    /** Package name to the packages it refers to; classes directly in org.schedlab belong to no package here. */
    static Map<String, Set<String>> dependencies(Path root) throws IOException {
        Map<String, Set<String>> deps = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                Path rel = root.relativize(f);
                if (rel.getNameCount() < 2) continue;
                String from = rel.getName(0).toString();
                Set<String> to = deps.computeIfAbsent(from, k -> new TreeSet<>());
                Matcher m = REF.matcher(stripComments(Files.readString(f)));
                while (m.find()) if (!m.group(1).equals(from)) to.add(m.group(1));
            }
        }
        return deps;
    }

    private static String stripComments(String src) {
        return src.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
    }

    /** A cycle of the graph as a path {@code a -> b -> ... -> a}, or an empty list when there is none. */
    static List<String> findCycle(Map<String, Set<String>> deps) {
        Map<String, Integer> state = new TreeMap<>();
        // sorted, so that the cycle reported does not depend on the map's iteration order
        for (String start : new java.util.TreeSet<>(deps.keySet())) {
            Deque<String> path = new ArrayDeque<>();
            List<String> c = visit(start, deps, state, path);
            if (!c.isEmpty()) return c;
        }
        return List.of();
    }

    private static List<String> visit(String n, Map<String, Set<String>> deps, Map<String, Integer> state,
                                      Deque<String> path) {
        Integer s = state.get(n);
        if (s != null && s == 2) return List.of();
        path.addLast(n);
        if (s != null && s == 1) {
            List<String> p = new ArrayList<>(path);
            return p.subList(p.indexOf(n), p.size());
        }
        state.put(n, 1);
        for (String m : new java.util.TreeSet<>(deps.getOrDefault(n, Set.of()))) {
            List<String> c = visit(m, deps, state, path);
            if (!c.isEmpty()) return c;
        }
        state.put(n, 2);
        path.removeLast();
        return List.of();
    }

    @Test
    void topLevelPackagesHaveNoCycle() throws IOException {
        Map<String, Set<String>> deps = dependencies(ROOT);
        assertThat(deps).containsKeys("cli", "experiment", "kernel", "report");
        assertThat(findCycle(deps)).as("package cycle in %s", deps).isEmpty();
    }

    @Test
    void reportDependsOnExperimentAndNotTheOtherWay() throws IOException {
        Map<String, Set<String>> deps = dependencies(ROOT);
        assertThat(deps.get("report")).contains("experiment");
        assertThat(deps.get("experiment")).doesNotContain("report", "cli");
    }

    @Test
    void theCheckFindsACycle() {
        Map<String, Set<String>> deps = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        assertThat(findCycle(deps)).containsExactly("a", "b", "c", "a");
        assertThat(findCycle(Map.of("a", Set.of("b"), "b", Set.of("c")))).isEmpty();
    }

    @Test
    void theScanSeesImportsAndQualifiedNames(@TempDir Path tmp) throws IOException {
        Files.createDirectories(tmp.resolve("x"));
        Files.createDirectories(tmp.resolve("y"));
        Files.writeString(tmp.resolve("x/A.java"), "package org.schedlab.x;\nimport org.schedlab.y.B;\nclass A {}\n");
        Files.writeString(tmp.resolve("y/B.java"),
                "package org.schedlab.y;\n// org.schedlab.z.C in a comment\nclass B { org.schedlab.x.A a; }\n");
        Map<String, Set<String>> deps = dependencies(tmp);
        assertThat(deps).isEqualTo(Map.of("x", Set.of("y"), "y", Set.of("x")));
        assertThat(findCycle(deps)).containsExactly("x", "y", "x");
    }
}
