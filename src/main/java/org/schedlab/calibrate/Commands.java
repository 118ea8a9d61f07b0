package org.schedlab.calibrate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs external tools ({@code perf}, {@code taskset}) with a time limit, capturing their output. */
final class Commands {
    private Commands() {}

    static final class Result {
        final int exit;
        final String out, err;
        Result(int exit, String out, String err) { this.exit = exit; this.out = out; this.err = err; }
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(":"))
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) return true;
        return false;
    }

    /** Exit status -1 and what was captured when the time limit passes (the process is then destroyed). */
    static Result run(List<String> cmd, long timeout, TimeUnit unit) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        CompletableFuture<String> out = drain(p.getInputStream()), err = drain(p.getErrorStream());
        if (!p.waitFor(timeout, unit)) {
            p.destroyForcibly();
            p.waitFor();
            return new Result(-1, out.join(), err.join() + " (timed out)");
        }
        return new Result(p.exitValue(), out.join(), err.join());
    }

    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (in) {
                f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.complete("");
            }
        }, "drain");
        t.setDaemon(true);
        t.start();
        return f;
    }
}
