package org.schedlab.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/** What exhausts the JVM is one line naming the limit, never a JVM trace. */
class MainTest {
    @CommandLine.Command(name = "exhaust")
    static final class Exhaust implements Callable<Integer> {
        @CommandLine.Parameters String what;

        @Override public Integer call() {
            if (what.equals("heap")) throw new OutOfMemoryError("Java heap space");
            if (what.equals("wrapped")) throw new IllegalStateException("run failed", new OutOfMemoryError("Java heap space"));
            throw new StackOverflowError();
        }
    }

    private static String[] run(String what) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine().addSubcommand(new Exhaust());
        cl.setErr(new PrintWriter(err));
        int exit = Main.execute(cl, "exhaust", what);
        return new String[]{Integer.toString(exit), err.toString()};
    }

    @Test
    void outOfMemoryIsOneLineNamingTheHeapLimit() {
        for (String what : new String[]{"heap", "wrapped"}) {
            String[] r = run(what);
            assertThat(r[0]).isEqualTo("2");
            assertThat(r[1]).startsWith("schedlab: out of memory: this input needs more than the Java heap's limit of ")
                    .contains(Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB").doesNotContain("\tat ", "    at ")
                    .hasLineCount(1);
        }
    }

    @Test
    void stackOverflowIsOneLine() {
        String[] r = run("stack");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).startsWith("schedlab: out of stack:").hasLineCount(1);
    }
}
