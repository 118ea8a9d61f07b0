package org.schedlab.calibrate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.schedlab.InputError;
import org.schedlab.experiment.Runner;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Calibration's measuring in a child JVM at raised priority ({@link Priority}): the child runs
 * {@link Calibration#measure} and prints its figures as JSON on stdout; its progress lines (stderr) are passed on
 * as they come. A child that fails prints one line and exits non-zero; the parent reports that line.
 */
final class MeasureChild {
    private MeasureChild() {}

    /** The figures of {@link Calibration#measure}, measured in a raised child JVM. */
    static ObjectNode measure(Priority.Level priority, long budgetNs, boolean usePerf, PrintStream progress)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                MeasureChild.class.getName(), Long.toString(budgetNs), Boolean.toString(usePerf), priority.description));
        Process p = new ProcessBuilder(priority.wrap(cmd)).start();
        p.getOutputStream().close();
        CompletableFuture<String> out = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                out.complete(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                out.complete("");
            }
        }, "calibrate-child-out");
        reader.setDaemon(true);
        reader.start();
        String last = "";
        try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = err.readLine()) != null; ) {
                progress.println(line);
                if (!line.isBlank()) last = line;
            }
        }
        int exit = p.waitFor();
        if (exit != 0)
            throw new InputError(last.startsWith("schedlab: ") ? last.substring("schedlab: ".length())
                    : "calibrate: the measuring process failed (exit " + exit + ")" + (last.isEmpty() ? "" : ": " + last));
        return (ObjectNode) Runner.JSON.readTree(out.join());
    }

    /** The child: {@code BUDGET_NS USE_PERF PRIORITY}; figures on stdout, one line on stderr and exit 2 on failure. */
    public static void main(String[] args) {
        try {
            ObjectNode doc = Calibration.measure(Long.parseLong(args[0]), Boolean.parseBoolean(args[1]), args[2], System.err);
            System.out.print(Runner.JSON.writeValueAsString(doc));
            System.out.flush();
            System.exit(0);
        } catch (InputError e) {
            System.err.println("schedlab: " + e.getMessage());
        } catch (IOException e) {
            System.err.println("schedlab: " + Calibration.failed(e).getMessage());
        } catch (InterruptedException e) {
            System.err.println("schedlab: calibrate: interrupted");
        }
        System.exit(2);
    }
}
