package org.schedlab.calibrate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Raised priority for measurements on a shared host, so that other programs take little CPU time from them while
 * they run. A command runs in a session of its own ({@code setsid}), whose autogroup gets nice -20
 * ({@code /proc/self/autogroup}: with CONFIG_SCHED_AUTOGROUP each session is one task group, and a task's own nice
 * only ranks it inside its group), and the command itself runs at nice -20 (which ranks it against the host's
 * other tasks where autogroups are off). Both need CAP_SYS_NICE; without it commands run as they are. The tasks
 * of a measured benchmark all get the same priority, so they rank among themselves as at nice 0.
 */
public final class Priority {
    private Priority() {}

    /** How commands are raised: the prefix put before them (empty: not raised) and a description. */
    public static final class Level {
        public final List<String> prefix;
        public final String description;

        Level(List<String> prefix, String description) {
            this.prefix = prefix;
            this.description = description;
        }

        public boolean raised() { return !prefix.isEmpty(); }

        /** {@code cmd} with this level's prefix. */
        public List<String> wrap(List<String> cmd) {
            List<String> out = new ArrayList<>(prefix);
            out.addAll(cmd);
            return out;
        }
    }

    /** Commands as they are. */
    public static final Level NORMAL = new Level(List.of(), "normal (nice 0)");
    private static final String AUTOGROUP_SCRIPT = "echo -20 > /proc/self/autogroup && exec nice -n -20 \"$@\"";
    private static Level raised;

    /**
     * The highest level this host allows: a new session with autogroup nice -20 and nice -20, else nice -20,
     * else {@link #NORMAL}. Each is tried once with {@code nice} printing the niceness it runs at.
     */
    public static synchronized Level best() {
        if (raised != null) return raised;
        raised = NORMAL;
        if (Commands.onPath("nice") && Commands.onPath("sh")) {
            List<String> group = List.of("setsid", "sh", "-c", AUTOGROUP_SCRIPT, "schedlab-priority");
            List<String> nice = List.of("nice", "-n", "-20");
            if (Commands.onPath("setsid") && Files.exists(Path.of("/proc/self/autogroup")) && runsAtMinus20(group))
                raised = new Level(group, "own session with autogroup nice -20, nice -20");
            else if (runsAtMinus20(nice))
                raised = new Level(nice, "nice -20");
        }
        return raised;
    }

    private static boolean runsAtMinus20(List<String> prefix) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add("nice");
        try {
            Commands.Result r = Commands.run(cmd, 10, TimeUnit.SECONDS);
            return r.exit == 0 && r.out.strip().equals("-20") && r.err.isBlank();
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
