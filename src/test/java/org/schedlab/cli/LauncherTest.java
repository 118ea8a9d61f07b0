package org.schedlab.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@code ./schedlab} launcher builds what a command needs on first use: the core always, the Spark module for
 * {@code sweep --engine spark}, each again only when its inputs changed. Run on a copy of the script with {@code mvn}
 * and {@code java} replaced by recorders, so nothing is built for real.
 */
class LauncherTest {
    @TempDir Path tmp;
    Path repo, calls;

    @BeforeEach
    void fakeRepository() throws IOException {
        repo = Files.createDirectories(tmp.resolve("repo"));
        Files.copy(Path.of("schedlab"), repo.resolve("schedlab"));
        for (String d : new String[]{"src/main/java", "spark/src/main/java"}) Files.createDirectories(repo.resolve(d));
        Files.writeString(repo.resolve("pom.xml"), "<project/>");
        Files.writeString(repo.resolve("spark/pom.xml"), "<project/>");
        Files.writeString(repo.resolve("src/main/java/A.java"), "class A {}");
        Files.writeString(repo.resolve("spark/src/main/java/S.java"), "class S {}");
        calls = tmp.resolve("calls.txt");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        // mvn: records its arguments and makes what the real build makes
        script(bin.resolve("mvn"), "echo \"mvn $*\" >> " + calls + "\n"
                + "mkdir -p target && touch target/schedlab.jar\n"
                + "case \"$*\" in *spark/pom.xml*) mkdir -p spark/target/lib spark/target/launch && "
                + "touch spark/target/schedlab-spark.jar spark/target/launch/schedlab-spark.jvm ;; esac\n");
        script(bin.resolve("java"), "echo \"java $*\" >> " + calls + "\n");
    }

    private static void script(Path p, String body) throws IOException {
        Files.writeString(p, "#!/usr/bin/env bash\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private record Run(int exit, String err, List<String> calls) {}

    private Run launch(String... args) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")));
        Files.deleteIfExists(calls);
        List<String> cmd = new ArrayList<>(List.of("/bin/bash", repo.resolve("schedlab").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile());
        pb.environment().put("PATH", tmp.resolve("bin") + ":" + System.getenv("PATH"));
        pb.redirectErrorStream(false);
        Process p = pb.start();
        p.getOutputStream().close();
        String err = new String(p.getErrorStream().readAllBytes());
        int exit = p.waitFor();
        return new Run(exit, err, Files.exists(calls) ? Files.readAllLines(calls) : List.of());
    }

    /** Makes a file look modified after everything built so far. */
    private static void touchLater(Path p) throws IOException {
        Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    }

    @Test
    void aSparkSweepBuildsTheSparkModuleOnFirstUseAndOnlyThen() throws Exception {
        Run first = launch("sweep", "s.yaml", "--out", "r", "--engine", "spark:local[2]");
        assertThat(first.exit).as(first.err).isZero();
        assertThat(first.err).contains("schedlab: building the Spark engine", "downloads about 220 MB");
        assertThat(first.calls).containsExactly(
                "mvn -q -B -Dmaven.test.skip=true package",
                "mvn -q -B -Dmaven.test.skip=true install",
                "mvn -q -B -Dmaven.test.skip=true -f spark/pom.xml package",
                "java -Xss4m -jar " + repo.resolve("target/schedlab.jar") + " sweep s.yaml --out r --engine spark:local[2]");

        Run again = launch("sweep", "s.yaml", "--out", "r", "--engine=spark");
        assertThat(again.calls).as("built: nothing to do").singleElement().asString().startsWith("java ");
        assertThat(again.err).isEmpty();

        touchLater(repo.resolve("spark/src/main/java/S.java"));
        assertThat(launch("sweep", "s.yaml", "--out", "r", "--engine", "spark").calls)
                .as("the module changed").contains("mvn -q -B -Dmaven.test.skip=true -f spark/pom.xml package");
    }

    @Test
    void otherCommandsBuildOnlyTheCore() throws Exception {
        for (String[] args : new String[][]{{"sweep", "s.yaml", "--out", "r"}, {"sweep", "s.yaml", "--out", "r", "--engine", "local"},
                {"run", "--engine", "spark"}}) {
            Files.deleteIfExists(repo.resolve("target/schedlab.jar"));
            Run r = launch(args);
            assertThat(r.calls).as(String.join(" ", args)).hasSize(2)
                    .first().asString().isEqualTo("mvn -q -B -Dmaven.test.skip=true package");
            assertThat(r.err).doesNotContain("Spark");
        }
    }
}
