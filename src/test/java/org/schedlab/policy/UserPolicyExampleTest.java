package org.schedlab.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedlab.cli.Main;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The worked example in docs/ compiles against the public API and runs through --policy class:NAME. */
class UserPolicyExampleTest {
    @Test
    void exampleCompilesAndRuns(@TempDir Path out) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Path src = Path.of("docs/examples/com/example/IdlestInLlcPolicy.java");
        int rc = javac.run(null, null, null, "--release", "17", "-cp", System.getProperty("java.class.path"),
                "-d", out.toString(), src.toString());
        assertThat(rc).isZero();
        ClassLoader old = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader cl = new URLClassLoader(new URL[]{out.toUri().toURL()}, old)) {
            Thread.currentThread().setContextClassLoader(cl);
            StringWriter err = new StringWriter(), outText = new StringWriter();
            var cmd = Main.commandLine();
            cmd.setErr(new PrintWriter(err));
            Path json = out.resolve("r.json");
            int exit = cmd.execute("run", "--topology", "synthetic:llcs=2,cores=4,smt=2",
                    "--policy", "class:com.example.IdlestInLlcPolicy:scan=4", "--workload", "hackbench:groups=2",
                    "--duration", "1s", "--json", json.toString());
            assertThat(err.toString()).isEmpty();
            assertThat(exit).isZero();
            var r = org.schedlab.experiment.Runner.JSON.readTree(json.toFile());
            assertThat(r.get("metrics").get("tasks_exited").asLong()).isPositive();
            assertThat(r.get("metrics").get("balance_overhead_ns").has("example")).isTrue();

            exit = cmd.execute("run", "--topology", "synthetic:cores=4", "--policy", "class:com.example.Missing",
                    "--workload", "poisson:rate=10");
            assertThat(exit).isEqualTo(2);
            assertThat(err.toString()).contains("not found on the class path");
        } finally {
            Thread.currentThread().setContextClassLoader(old);
        }
    }
}
