package org.schedlab.workload.trace;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedlab.experiment.RunSpec;
import org.schedlab.experiment.Runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A replay keeps the recorded blocking structure: on its own machine it switches and wakes as often as the
 * recording did; on a bigger machine work that only waited for a CPU runs in parallel, while work ordered by
 * wakeups keeps its order.
 */
class ReplayFidelityTest {
    private static ObjectNode replay(String topology, Path trace, String suffix) {
        RunSpec s = RunSpec.of(topology, "pull", "trace:" + trace + suffix, 60_000_000_000L, 1);
        s.timelineBuckets = 0;
        s.costProfile = org.schedlab.TestProfiles.noBoost(); // the recorded times are at the recording's speed
        return Runner.run(s);
    }

    /**
     * Counted in the file itself: switches to a task (not to idle), and wakeups (sched_wakeup and sched_wakeup_new
     * events; sched_waking instead of sched_wakeup in a recording that has no sched_wakeup, as perf sched record
     * takes sched_waking where the kernel has it).
     */
    private static long[] recorded(Path trace) throws IOException {
        long switches = 0, wakeup = 0, waking = 0, wakeupNew = 0;
        for (String l : Files.readAllLines(trace)) {
            if (l.contains("sched_switch:") && !l.matches(".*next_pid=0\\b.*")) switches++;
            if (l.contains("sched_wakeup:")) wakeup++;
            if (l.contains("sched_waking:")) waking++;
            if (l.contains("sched_wakeup_new:")) wakeupNew++;
        }
        return new long[]{switches, (wakeup > 0 ? wakeup : waking) + wakeupNew};
    }

    @Test
    void theJunoTraceReplayedOnJunoSwitchesAndWakesAsRecorded() throws IOException {
        Path trace = Path.of("src/test/resources/traces/juno-trace.txt");
        long[] rec = recorded(trace);
        assertThat(rec).containsExactly(1432, 1068);
        ObjectNode r = replay("juno-r0", trace, ",recorded_on=juno-r0");
        long switches = r.get("metrics").get("context_switches").asLong(), wakeups = r.get("metrics").get("wakeups").asLong();
        assertThat((double) switches).isCloseTo(rec[0], within(0.2 * rec[0]));
        assertThat((double) wakeups).isCloseTo(rec[1], within(0.2 * rec[1]));
    }

    @Test
    void aSocketProgramReplayedOnItsOwnMachineSwitchesAndWakesAsRecorded() throws IOException {
        // perf bench sched messaging -g 2 -l 200 (unix sockets, 80 processes) recorded with perf sched on a 2-vCPU
        // VM (SOURCES.txt). Its receivers sleep when their socket is empty and a sender's write wakes them; when
        // the replayed sender gets to that write first, the receiver still sleeps there and is woken at once
        Path trace = Path.of("src/test/resources/traces/perf-sched-messaging.txt");
        long[] rec = recorded(trace);
        assertThat(rec).containsExactly(6581, 5253);
        ObjectNode r = replay("synthetic:cores=2", trace, "");
        long switches = r.get("metrics").get("context_switches").asLong(), wakeups = r.get("metrics").get("wakeups").asLong();
        assertThat((double) switches).isCloseTo(rec[0], within(0.2 * rec[0]));
        assertThat((double) wakeups).isCloseTo(rec[1], within(0.2 * rec[1]));
    }

    /** One ftrace line. */
    private static String line(String task, int pid, double ms, String event) {
        return String.format(Locale.ROOT, "%16s-%-5d [000] d..2.  %.6f: %s", task, pid, 1000 + ms / 1000, event);
    }

    private static String sw(String prev, int prevPid, String state, String next, int nextPid) {
        return "sched_switch: prev_comm=" + prev + " prev_pid=" + prevPid + " prev_prio=120 prev_state=" + state
                + " ==> next_comm=" + next + " next_pid=" + nextPid + " next_prio=120";
    }

    @Test
    void timeSharedWorkRunsInParallelOnABiggerMachine(@TempDir Path tmp) throws IOException {
        // four CPU-bound tasks time-sharing one CPU, 3 ms turns, 12 turns each (36 ms of CPU time each)
        StringBuilder t = new StringBuilder("# tracer: nop\n");
        t.append(line("<idle>", 0, 0, sw("swapper/0", 0, "R", "h0", 100))).append('\n');
        int turns = 48;
        for (int k = 0; k < turns; k++) {
            int cur = k % 4, next = (k + 1) % 4;
            double at = 3.0 * (k + 1);
            String ev = k == turns - 1 ? sw("h" + cur, 100 + cur, "X", "swapper/0", 0) : sw("h" + cur, 100 + cur, "R+", "h" + next, 100 + next);
            t.append(line("h" + cur, 100 + cur, at, ev)).append('\n');
        }
        Path trace = tmp.resolve("hogs.txt");
        Files.writeString(trace, t);
        double one = replay("synthetic:cores=1", trace, "").get("throughput").get("value").asDouble();
        double four = replay("synthetic:cores=4", trace, "").get("throughput").get("value").asDouble();
        assertThat(one).isCloseTo(144e6, within(0.05 * 144e6));
        // each task alone on its CPU: the last one starts 9 ms in and runs 36 ms
        assertThat(four).isCloseTo(45e6, within(0.05 * 45e6));
    }

    @Test
    void workChainedByWakeupsKeepsItsOrderOnABiggerMachine(@TempDir Path tmp) throws IOException {
        // b and c go to sleep; a runs 2 ms and wakes b; b runs 2 ms, wakes c and exits; c runs 2 ms and exits
        List<String> lines = List.of("# tracer: nop",
                line("<idle>", 0, 0, sw("swapper/0", 0, "R", "b", 201)),
                line("b", 201, 0.01, sw("b", 201, "S", "c", 202)),
                line("c", 202, 0.02, sw("c", 202, "S", "a", 200)),
                line("a", 200, 2.02, "sched_wakeup: comm=b pid=201 prio=120 target_cpu=000"),
                line("a", 200, 2.03, sw("a", 200, "S", "b", 201)),
                line("b", 201, 4.03, "sched_wakeup: comm=c pid=202 prio=120 target_cpu=000"),
                line("b", 201, 4.04, sw("b", 201, "X", "c", 202)),
                line("c", 202, 6.04, sw("c", 202, "X", "swapper/0", 0)));
        Path trace = tmp.resolve("chain.txt");
        Files.writeString(trace, String.join("\n", lines) + "\n");
        double one = replay("synthetic:cores=1", trace, "").get("throughput").get("value").asDouble();
        double four = replay("synthetic:cores=4", trace, "").get("throughput").get("value").asDouble();
        assertThat(four).isGreaterThanOrEqualTo(6e6).isCloseTo(one, within(0.05 * one));
    }
}
