package org.schedlab.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedlab.InputError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeadlineCacheTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RunSpec spec(long seed) {
        return PublishedTables.spec("synthetic:cores=2", "pull", "tbench:clients=1", 20_000_000L, seed);
    }

    private static double[] headlines(HeadlineCache cache, RunSpec... specs) {
        try (RunPool runs = RunPool.of(2, cache)) {
            return runs.headlines(List.of(specs));
        }
    }

    @Test
    void aRunOfTheSameBuildIsReusedAndAnotherBuildRunsItAgain(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("cache");
        double fresh = Runner.headlineValue(Runner.run(spec(1)));
        assertThat(headlines(HeadlineCache.at(dir, "b1"), spec(1))).containsExactly(fresh);
        Path file = dir.resolve(ResultStore.fileName(spec(1)));
        assertThat(file).isRegularFile();

        // the stored value is what a second pass of this build returns: it is read, not run
        ObjectNode n = (ObjectNode) JSON.readTree(file.toFile());
        n.put("headline", 12345.0);
        Files.writeString(file, n.toString());
        assertThat(headlines(HeadlineCache.at(dir, "b1"), spec(1), spec(2)))
                .containsExactly(12345.0, Runner.headlineValue(Runner.run(spec(2))));

        // another build, a damaged file or a file of another spec is run again
        assertThat(headlines(HeadlineCache.at(dir, "b2"), spec(1))).containsExactly(fresh);
        Files.writeString(file, "{\"build\": \"b2\", \"headl");
        assertThat(headlines(HeadlineCache.at(dir, "b2"), spec(1))).containsExactly(fresh);
        Files.copy(dir.resolve(ResultStore.fileName(spec(2))), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(headlines(HeadlineCache.at(dir, "b1"), spec(1))).containsExactly(fresh);
    }

    @Test
    void aCacheWhoseParentIsMissingIsRefusedInOneLine(@TempDir Path tmp) {
        assertThatThrownBy(() -> HeadlineCache.at(tmp.resolve("no/such"), "b1")).isInstanceOf(InputError.class)
                .hasMessageContaining("parent directory does not exist");
    }

    /** A jar holding {@code entries} (name to content), each stamped with {@code time}. */
    private static Path jar(Path dir, String name, long time, Map<String, String> entries) throws Exception {
        Path p = dir.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(p))) {
            for (var e : new java.util.TreeMap<>(entries).entrySet()) {
                JarEntry je = new JarEntry(e.getKey());
                je.setTime(time);
                out.putNextEntry(je);
                out.write(e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return p;
    }

    @Test
    void theSimulatorsIdentityIgnoresChecksAndTimestampsButNotTheSimulator(@TempDir Path dir) throws Exception {
        Map<String, String> base = Map.of("org/schedlab/kernel/Core.class", "core v1",
                "org/schedlab/experiment/MainlineCurves.class", "checks v1", "org/schedlab/cli/Main.class", "cli v1");
        String id = HeadlineCache.identityOf(jar(dir, "a.jar", 1_000_000L, base));
        // the same code rebuilt later
        assertThat(HeadlineCache.identityOf(jar(dir, "b.jar", 9_000_000L, base))).isEqualTo(id);
        // a check or the command line changed
        assertThat(HeadlineCache.identityOf(jar(dir, "c.jar", 1_000_000L, Map.of("org/schedlab/kernel/Core.class",
                "core v1", "org/schedlab/experiment/MainlineCurves.class", "checks v2", "org/schedlab/cli/Main.class",
                "cli v2")))).isEqualTo(id);
        // the simulator changed, or gained a class
        assertThat(HeadlineCache.identityOf(jar(dir, "d.jar", 1_000_000L, Map.of("org/schedlab/kernel/Core.class",
                "core v2", "org/schedlab/experiment/MainlineCurves.class", "checks v1", "org/schedlab/cli/Main.class",
                "cli v1")))).isNotEqualTo(id);
        assertThat(HeadlineCache.identityOf(jar(dir, "e.jar", 1_000_000L, Map.of("org/schedlab/kernel/Core.class",
                "core v1", "org/schedlab/kernel/Boost.class", "", "org/schedlab/experiment/MainlineCurves.class",
                "checks v1", "org/schedlab/cli/Main.class", "cli v1")))).isNotEqualTo(id);
    }
}
