package org.schedlab.workload.trace;

import org.junit.jupiter.api.Test;
import org.schedlab.workload.WorkloadException;
import org.schedlab.workload.trace.TraceModel.TaskInfo;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TraceReaderTest {
    static Path resource(String name) {
        try {
            return Path.of(TraceReaderTest.class.getResource("/traces/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> lines(String name) {
        try {
            return Files.readAllLines(resource(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static TraceModel parse(String text) {
        return TraceReader.parse("t.txt", "t.txt", text.getBytes(StandardCharsets.UTF_8));
    }

    static String error(String text) {
        try {
            parse(text);
        } catch (WorkloadException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
            return e.getMessage();
        }
        throw new AssertionError("no error");
    }

    /**
     * Per-pid CPU time by a direct scan of an old-format trace: the first scheduler event on a CPU names the task
     * running there, each sched_switch ends the slice of prev and starts one for next, and the tasks still running
     * at the last scheduler event run until then.
     */
    static final class Scan {
        final Map<Integer, Long> cpu = new TreeMap<>();
        final Map<Integer, Long> busy = new TreeMap<>();

        Scan(List<String> lines) {
            Pattern ev = Pattern.compile("^\\s*(.*)-(\\d+)\\s+\\[(\\d+)\\]\\s+(\\d+)\\.(\\d{6}):\\s+(sched_switch|sched_wakeup):\\s*(.*?)\\s*$");
            Pattern sw = Pattern.compile("prev_pid=(\\d+) .*next_pid=(\\d+)");
            Map<Integer, Integer> curr = new TreeMap<>();
            Map<Integer, Long> since = new TreeMap<>();
            long last = 0;
            for (String l : lines) {
                Matcher m = ev.matcher(l);
                if (!m.matches()) continue;
                int c = Integer.parseInt(m.group(3));
                long ts = Long.parseLong(m.group(4)) * 1_000_000_000L + Long.parseLong(m.group(5)) * 1000;
                if (!curr.containsKey(c)) {
                    curr.put(c, Integer.parseInt(m.group(2)));
                    since.put(c, ts);
                }
                if (m.group(6).equals("sched_switch")) {
                    Matcher s = sw.matcher(m.group(7));
                    assertThat(s.find()).isTrue();
                    int prev = Integer.parseInt(s.group(1)), next = Integer.parseInt(s.group(2));
                    if (prev != 0) add(prev, c, ts - since.get(c));
                    curr.put(c, next);
                    since.put(c, ts);
                }
                last = ts;
            }
            for (Map.Entry<Integer, Integer> e : curr.entrySet())
                if (e.getValue() != 0) add(e.getValue(), e.getKey(), last - since.get(e.getKey()));
            cpu.values().removeIf(v -> v == 0);
        }

        void add(int pid, int c, long d) {
            cpu.merge(pid, d, Long::sum);
            busy.merge(c, d, Long::sum);
        }
    }

    @Test
    void junoTraceMatchesADirectScan() {
        TraceModel m = TraceReader.read(resource("juno-trace.txt"));
        Scan scan = new Scan(lines("juno-trace.txt"));
        assertThat(m.name()).isEqualTo("juno-trace.txt");
        assertThat(m.cpus()).isEqualTo(6);
        assertThat(m.anomalies()).isZero();
        assertThat(m.eventCounts()).containsEntry("sched_switch", 1856).containsEntry("sched_wakeup", 1068)
                .containsEntry("print", 14).containsEntry("sched_overutilized", 3);
        assertThat(m.tasks()).hasSize(scan.cpu.size()).hasSize(49);
        for (TaskInfo t : m.tasks()) assertThat(t.cpuNs()).as(t.toString()).isEqualTo(scan.cpu.get(t.pid));
        assertThat(m.totalCpuNs()).isEqualTo(scan.cpu.values().stream().mapToLong(Long::longValue).sum());
        for (int c = 0; c < 6; c++) assertThat(m.busyNs(c)).isEqualTo(scan.busy.getOrDefault(c, 0L));
        assertThat(m.task(0)).isNull();
        assertThat(m.startNs()).isEqualTo(76_211_513_000L);
    }

    @Test
    void junoWakeRelationsAndStates() {
        TraceModel m = TraceReader.read(resource("juno-trace.txt"));
        assertThat(m.wakes(1642, 46)).isTrue();
        assertThat(m.wakes(46, 1642)).isTrue();
        assertThat(m.wakes(0, 1642)).isFalse();
        assertThat(m.edges()).allMatch(e -> e.lowConfidence && e.wakerPid != 0);
        TaskInfo kworker = m.task(46);
        assertThat(kworker.comm()).isEqualTo("kworker/u12:1");
        assertThat(kworker.prio()).isEqualTo(120);
        // prev_state 4096 is a preemption in this pre-4.14 trace: sh-1642 has 273 slices but 12 blocking points
        TaskInfo sh = m.task(1642);
        assertThat(sh.slices()).isEqualTo(273);
        assertThat(sh.blocks()).isEqualTo(12);
        assertThat(sh.bursts()).hasSize(12);
        assertThat(sh.preemptions()).isGreaterThan(200);
        long sum = 0;
        for (long b : sh.bursts()) sum += b;
        assertThat(sum).isEqualTo(sh.cpuNs());
        // comm changes after exec: pid 1703 ends as shutils
        assertThat(m.task(1703).comm()).isEqualTo("shutils");
    }

    @Test
    void modernFormatWithFlagsForkExecAndExit() {
        TraceModel m = TraceReader.read(resource("modern-trace.txt"));
        assertThat(m.cpus()).isEqualTo(2);
        assertThat(m.anomalies()).isZero();
        assertThat(m.tasks()).extracting(TaskInfo::comm).containsExactly("app", "worker", "hog");
        TaskInfo app = m.task(100), worker = m.task(101), hog = m.task(200);
        assertThat(app.cpuNs()).isEqualTo(5_000_000);
        assertThat(app.bursts()).containsExactly(3_000_000, 2_000_000);
        assertThat(app.exited()).isTrue();
        assertThat(worker.cpuNs()).isEqualTo(6_960_000);
        assertThat(worker.blocks()).isEqualTo(3);
        assertThat(worker.firstSeenNs()).isEqualTo(1000_000_500_000L);
        List<TraceModel.Blocking> bl = worker.blockings();
        assertThat(bl).extracting(b -> b.startNs).containsExactly(1000_001_520_000L, 1000_003_530_000L, 1000_009_000_000L);
        assertThat(bl).extracting(b -> b.durationNs).containsExactly(490_000L, 1_000_000L, -1L);
        assertThat(bl.get(0).edge).isEqualTo(1);
        assertThat(bl.get(1).edge).isEqualTo(-1);
        assertThat(hog.cpuNs()).isEqualTo(1_990_000);
        assertThat(hog.bursts()).containsExactly(1_990_000);
        // timer (hardirq) and softirq wakeups have no waker; app's wakeups of its child are edges
        assertThat(m.edges()).hasSize(2);
        assertThat(m.edges().get(0).newTask).isTrue();
        assertThat(m.edges().get(1).lowConfidence).isFalse();
        assertThat(m.edges()).allMatch(e -> e.wakerPid == 100 && e.wakeePid == 101);
        assertThat(m.busyNs(0)).isEqualTo(6_990_000);
        assertThat(m.busyNs(1)).isEqualTo(6_960_000);
        assertThat(m.eventCounts()).containsEntry("print", 1).containsEntry("hrtimer_expire_entry", 1);
    }

    @Test
    void perfSchedScriptPrettyAndRawPayloads() {
        TraceModel m = TraceReader.read(resource("perf-sched-script.txt"));
        assertThat(m.tasks()).extracting(TaskInfo::comm).containsExactly("pinger", "ponger");
        assertThat(m.task(2001).cpuNs()).isEqualTo(1_420_000);
        assertThat(m.task(2002).cpuNs()).isEqualTo(310_000);
        assertThat(m.wakes(2001, 2002)).isTrue();
        assertThat(m.wakes(2002, 2001)).isTrue();
        assertThat(m.edges()).hasSize(2);
        assertThat(m.eventCounts()).containsEntry("sched_migrate_task", 1);
    }

    @Test
    void prevStateDecoding() {
        TraceReader.StateDecoder old = decoder("0", "1", "4096", "130");
        assertThat(old.pre414).isTrue();
        assertThat(old.marker).isEqualTo(4096);
        assertThat(old.decode("4096")).isEqualTo(TraceReader.Leave.RUNNABLE);
        assertThat(old.decode("0")).isEqualTo(TraceReader.Leave.RUNNABLE);
        assertThat(old.decode("1")).isEqualTo(TraceReader.Leave.BLOCKED);
        assertThat(old.decode("130")).isEqualTo(TraceReader.Leave.BLOCKED);
        assertThat(old.decode("64")).isEqualTo(TraceReader.Leave.DEAD);
        assertThat(old.decode("256")).isEqualTo(TraceReader.Leave.BLOCKED);

        TraceReader.StateDecoder modern = decoder("0", "1", "256");
        assertThat(modern.pre414).isFalse();
        assertThat(modern.decode("256")).isEqualTo(TraceReader.Leave.RUNNABLE);
        assertThat(modern.decode("64")).isEqualTo(TraceReader.Leave.BLOCKED);
        assertThat(modern.decode("16")).isEqualTo(TraceReader.Leave.DEAD);
        assertThat(modern.decode("128")).isEqualTo(TraceReader.Leave.BLOCKED);

        assertThat(modern.decode("R")).isEqualTo(TraceReader.Leave.RUNNABLE);
        assertThat(modern.decode("R+")).isEqualTo(TraceReader.Leave.RUNNABLE);
        assertThat(modern.decode("S")).isEqualTo(TraceReader.Leave.BLOCKED);
        assertThat(modern.decode("D|K")).isEqualTo(TraceReader.Leave.BLOCKED);
        assertThat(modern.decode("I")).isEqualTo(TraceReader.Leave.BLOCKED);
        assertThat(modern.decode("X")).isEqualTo(TraceReader.Leave.DEAD);
        assertThat(modern.decode("Z")).isEqualTo(TraceReader.Leave.DEAD);
    }

    private static TraceReader.StateDecoder decoder(String... states) {
        List<EventLine> events = new ArrayList<>();
        for (String s : states) {
            EventLine e = new EventLine();
            e.event = "sched_switch";
            e.prevState = s;
            events.add(e);
        }
        return new TraceReader.StateDecoder(events);
    }

    @Test
    void timestampsAreExact() throws EventLine.Bad {
        assertThat(EventLine.timestamp("76.211513:")).isEqualTo(76_211_513_000L);
        assertThat(EventLine.timestamp("975758.720113456:")).isEqualTo(975_758_720_113_456L);
        assertThat(EventLine.timestamp("1.5:")).isEqualTo(1_500_000_000L);
    }

    @Test
    void oneLineErrors() {
        List<String> modern = lines("modern-trace.txt");
        List<String> broken = new ArrayList<>(modern);
        broken.add(14, "this is not an event");
        assertThat(error(String.join("\n", broken) + "\n"))
                .isEqualTo("t.txt:15: this is not an event: expected <comm>-<pid> [<cpu>] <seconds>.<fraction>: <event>: <fields>");

        String junoStart = String.join("\n", lines("juno-trace.txt").subList(0, 10)) + "\n";
        String cut = lines("juno-trace.txt").get(10).substring(0, 60);
        assertThat(error(junoStart + cut)).startsWith("t.txt:11: " + cut.trim() + ": expected a complete line ending with a newline");

        assertThat(error("  a-1 [000] 1.000001: sched_switch: prev_comm=a prev_pid=1 prev_prio=120 prev_state=Q ==> next_comm=b next_pid=2 next_prio=120\n"))
                .contains(": expected prev_state as a number or as letters");
        assertThat(error("  a-1 [000] 1.000001: sched_switch: nonsense\n")).startsWith("t.txt:1: a-1 [000] 1.000001: sched_switch: nonsense: expected sched_switch fields");
        assertThat(error("  a-1 [000] 1.000001: sched_wakeup: comm=b prio=120\n")).contains("expected sched_wakeup fields comm=<name> pid=<n>");
        assertThat(error("  a-1 [000] 1.00000x: sched_wakeup: comm=b pid=3\n")).contains("expected a timestamp");
        String longGarbage = "x".repeat(200);
        String msg = error(longGarbage + "\n");
        assertThat(msg).startsWith("t.txt:1: " + "x".repeat(77) + "...: expected");
    }

    @Test
    void headersBlankLinesAndTrailingWhitespaceAreSkipped() {
        TraceModel m = parse("version = 6\nCPU 3 is empty\ncpus=4\n\n# comment\n"
                + "  a-1 [000] 1.000000: sched_switch: prev_comm=a prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=b next_pid=2 next_prio=120 \t \n"
                + "  b-2 [000] 1.000100: sched_switch: prev_comm=b prev_pid=2 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120\n"
                + "   \n");
        assertThat(m.cpus()).isEqualTo(4);
        assertThat(m.tasks()).extracting(t -> t.pid).containsExactly(2);
        assertThat(m.task(2).cpuNs()).isEqualTo(100_000);
    }

    @Test
    void lostEventsResetTheCpu() {
        TraceModel m = parse("  a-1 [000] 1.000000: sched_switch: prev_comm=a prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=b next_pid=2 next_prio=120\n"
                + "CPU:0 [LOST 12 EVENTS]\n"
                + "  c-3 [000] 1.000500: sched_switch: prev_comm=c prev_pid=3 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120\n");
        assertThat(m.anomalies()).isEqualTo(1);
        assertThat(m.task(2)).isNull();
        assertThat(m.task(3)).isNull();
    }

    @Test
    void missingFileIsAnInputError() {
        assertThatThrownBy(() -> TraceReader.read(Path.of("/nonexistent/trace.txt")))
                .isInstanceOf(org.schedlab.InputError.class).hasMessage("/nonexistent/trace.txt: no such file (expected a trace)");
    }
}
