package org.schedlab.workload.trace;

import org.junit.jupiter.api.Test;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.WorkloadSummary;
import org.schedlab.workload.trace.TraceModel.TaskInfo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

class TraceReplayTest {
    static long work(TaskTemplate t) {
        long w = 0;
        for (Op op : t.program) if (op instanceof Op.Run) w += (long) ((Op.Run) op).work.mean();
        return w;
    }

    static String brief(WorkloadSpec s, int template) {
        return WorkloadSummary.program(s, s.templates.get(template), Integer.MAX_VALUE);
    }

    static Set<Integer> channels(TaskTemplate t, Class<? extends Op> kind) {
        Set<Integer> r = new HashSet<>();
        for (Op op : t.program) {
            if (kind == Op.Signal.class && op instanceof Op.Signal) r.add(((Op.Signal) op).channel);
            if (kind == Op.Wait.class && op instanceof Op.Wait) r.add(((Op.Wait) op).channel);
        }
        return r;
    }

    @Test
    void junoReplayReproducesCpuTimePerTask() {
        TraceModel m = TraceReader.read(TraceReaderTest.resource("juno-trace.txt"));
        TraceReaderTest.Scan scan = new TraceReaderTest.Scan(TraceReaderTest.lines("juno-trace.txt"));
        WorkloadSpec s = TraceReplay.build(m, ReplayOptions.defaults());
        assertThat(s.name).isEqualTo("trace:juno-trace.txt");
        assertThat(s.templates).hasSize(scan.cpu.size());
        for (int i = 0; i < s.templates.size(); i++) {
            TaskTemplate t = s.templates.get(i);
            TaskInfo info = m.tasks().get(i);
            assertThat(t.comm).isEqualTo(info.comm());
            assertThat(t.instances).isEqualTo(1);
            assertThat(t.startDelayNs).isEqualTo(info.firstSeenNs() - m.startNs());
            assertThat((double) work(t)).as(t.comm).isCloseTo(scan.cpu.get(info.pid), withinPercentage(1));
            assertThat(t.program[t.program.length - 1]).isInstanceOf(Op.Exit.class);
        }
        long total = scan.cpu.values().stream().mapToLong(Long::longValue).sum();
        assertThat(s.params).containsEntry("total_cpu_ns", Long.toString(total));
        assertThat(WorkloadSummary.data(s)).containsEntry("total_cpu_ns", total).containsEntry("tasks", 49L);
        assertThat(s.headline.kind).isEqualTo(WorkloadSpec.HeadlineKind.COMPLETION_TIME);
        assertThat(s.headline.higherIsBetter).isFalse();
        assertThat(s.endWhenAllExit).isTrue();
        // every wake edge's channel is signalled once and waited on once
        List<Integer> signals = new ArrayList<>(), waits = new ArrayList<>();
        for (TaskTemplate t : s.templates) {
            for (Op op : t.program) {
                if (op instanceof Op.Signal) signals.add(((Op.Signal) op).channel);
                if (op instanceof Op.Wait) waits.add(((Op.Wait) op).channel);
            }
        }
        assertThat(signals).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(waits)
                .allMatch(c -> c >= 0 && c < s.channels).hasSize(s.channels);
    }

    @Test
    void junoWakerSignalsWhatTheWakeeWaitsFor() {
        TraceModel m = TraceReader.read(TraceReaderTest.resource("juno-trace.txt"));
        WorkloadSpec s = TraceReplay.build(m, ReplayOptions.defaults());
        int sh = m.tasks().indexOf(m.task(1642)), kworker = m.tasks().indexOf(m.task(46));
        Set<Integer> shToKworker = channels(s.templates.get(sh), Op.Signal.class);
        shToKworker.retainAll(channels(s.templates.get(kworker), Op.Wait.class));
        assertThat(shToKworker).hasSizeGreaterThan(100);
        // sh's first burst is split where it woke the kworker, and where the kworker preempted it: 5 + 37 µs, as
        // recorded; the kworker took sh's CPU each time, so it is woken onto the waker's CPU (WF_CURRENT_CPU), and
        // each of its recorded sleeps is slept however early sh's wakeup comes
        assertThat(brief(s, sh)).startsWith("run 173us, signal ch0 current-cpu, run 5us, yield, run 37us, signal ch1 current-cpu");
        assertThat(brief(s, kworker)).startsWith("wait ch0 sleeping, run 14us, wait ch1 sleeping, run 6us");
        // an idle-context wakeup is a timed sleep
        assertThat(brief(s, m.tasks().indexOf(m.task(15)))).isEqualTo("run 7us, sleep 4000079us, run 8us, exit");
    }

    @Test
    void suspendResumeMode() {
        TraceModel m = TraceReader.read(TraceReaderTest.resource("juno-trace.txt"));
        ReplayOptions o = ReplayOptions.defaults();
        o.wakeMode = ReplayOptions.WakeMode.SUSPEND_RESUME;
        WorkloadSpec s = TraceReplay.build(m, o);
        int sh = m.tasks().indexOf(m.task(1642)), kworker = m.tasks().indexOf(m.task(46));
        assertThat(s.channels).isZero();
        assertThat(s.templates.get(sh).program).anyMatch(op -> op instanceof Op.Resume && ((Op.Resume) op).target == kworker);
        assertThat(s.templates.get(kworker).program[0]).isInstanceOf(Op.Suspend.class);
        for (int i = 0; i < s.templates.size(); i++) assertThat(work(s.templates.get(i))).isEqualTo(m.tasks().get(i).cpuNs());
    }

    @Test
    void excludedWakersBecomeSleeps() {
        TraceModel m = TraceReader.read(TraceReaderTest.resource("juno-trace.txt"));
        ReplayOptions o = ReplayOptions.defaults();
        o.excludeComm = Pattern.compile("kworker/.*");
        WorkloadSpec s = TraceReplay.build(m, o);
        assertThat(s.templates).noneMatch(t -> t.comm.startsWith("kworker/"));
        long kept = 0;
        for (TaskTemplate t : s.templates) {
            TaskInfo info = null;
            for (TaskInfo ti : m.tasks()) if (ti.comm().equals(t.comm) && ti.firstSeenNs() - m.startNs() == t.startDelayNs) info = ti;
            assertThat(info).isNotNull();
            assertThat(work(t)).isEqualTo(info.cpuNs());
            kept += info.cpuNs();
        }
        assertThat(s.params).containsEntry("total_cpu_ns", Long.toString(kept));
        int sh = 0;
        while (!s.templates.get(sh).comm.equals("sh")) sh++;
        // sh no longer waits for the kworker: those blocking points are sleeps of the recorded length; the
        // kworker's preemptions of sh stay as yields (with nothing else to run they cost a pass of schedule())
        assertThat(brief(s, sh)).startsWith("run 178us, yield, run 41us, yield, run 94us, yield, run 14us, sleep 152314us, run 22us, yield");
    }

    @Test
    void capacityScalesWork() {
        TraceModel m = TraceReader.read(TraceReaderTest.resource("modern-trace.txt"));
        ReplayOptions o = ReplayOptions.defaults();
        o.cpuCapacity = new int[] {512, 1024};
        WorkloadSpec s = TraceReplay.build(m, o);
        assertThat(work(s.templates.get(0))).isEqualTo(2_500_000);
        assertThat(work(s.templates.get(1))).isEqualTo(6_960_000);
        assertThat(s.params).containsEntry("total_cpu_ns", "13950000");
    }

    @Test
    void modernReplayPrograms() {
        TraceModel m = TraceReader.read(TraceReaderTest.resource("modern-trace.txt"));
        WorkloadSpec s = TraceReplay.build(m, ReplayOptions.defaults());
        assertThat(s.templates).extracting(t -> t.comm).containsExactly("app", "worker", "hog");
        // app and hog preempted each other (R+ switches): yields; the worker's first wait is for its fork
        assertThat(brief(s, 0)).isEqualTo("run 500us, signal ch0, run 1500us, signal ch1, run 1ms, sleep 1990us, run 1ms, yield, run 1ms, exit");
        assertThat(brief(s, 1)).isEqualTo("wait ch0 sleeping, run 1ms, wait ch1 sleeping, run 1500us, sleep 1ms, run 4460us, exit");
        assertThat(brief(s, 2)).isEqualTo("run 1ms, yield, run 990us, exit");
        assertThat(s.templates).extracting(t -> t.startDelayNs).containsExactly(0L, 500_000L, 6_010_000L);
        assertThat(s.channels).isEqualTo(2);
    }

    @Test
    void perfReplayPrograms() {
        TraceModel m = TraceReader.read(TraceReaderTest.resource("perf-sched-script.txt"));
        WorkloadSpec s = TraceReplay.build(m, ReplayOptions.defaults());
        assertThat(brief(s, 0)).isEqualTo("run 400us, signal ch0, run 10us, wait ch1 sleeping, run 1010us, exit");
        assertThat(brief(s, 1)).isEqualTo("wait ch0 sleeping, run 300us, signal ch1, run 10us, exit");
        assertThat(s.templates.get(1).startDelayNs).isEqualTo(50_000);
        Map<String, Object> d = WorkloadSummary.data(s);
        assertThat(d).containsEntry("total_cpu_ns", 1_730_000L);
    }

    @Test
    void niceFromPrio() {
        TraceModel m = TraceReader.read(TraceReaderTest.resource("juno-trace.txt"));
        WorkloadSpec s = TraceReplay.build(m, ReplayOptions.defaults());
        int h = m.tasks().indexOf(m.task(1381));
        assertThat(s.templates.get(h).comm).isEqualTo("kworker/2:1H");
        assertThat(s.templates.get(h).nice).isEqualTo(-20);
        assertThat(s.params.get("warnings")).contains("real-time or deadline tasks replayed as SCHED_OTHER");
    }
}
