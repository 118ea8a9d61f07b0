package org.schedlab.workload.rtapp;

import org.junit.jupiter.api.Test;
import org.schedlab.InputError;
import org.schedlab.topology.CpuSet;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadException;
import org.schedlab.workload.WorkloadSpec;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RtAppReaderTest {
    static Path resource(String name) {
        try {
            return Path.of(RtAppReaderTest.class.getResource("/rtapp/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static WorkloadSpec load(String name) {
        return RtAppReader.read(resource(name), Map.of());
    }

    static WorkloadSpec parse(String json) {
        return RtAppReader.parse("t.json", "t.json", json.getBytes(StandardCharsets.UTF_8), Map.of(), 0);
    }

    static String error(String json) {
        try {
            parse(json);
        } catch (WorkloadException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
            return e.getMessage();
        }
        throw new AssertionError("no error for " + json);
    }

    static TaskTemplate template(WorkloadSpec s, String comm) {
        for (TaskTemplate t : s.templates) if (t.comm.equals(comm)) return t;
        throw new AssertionError("no template " + comm);
    }

    static int index(WorkloadSpec s, String comm) {
        return s.templates.indexOf(template(s, comm));
    }

    @SuppressWarnings("unchecked")
    static <T extends Op> List<T> ops(TaskTemplate t, Class<T> kind) {
        List<T> r = new ArrayList<>();
        for (Op op : t.program) if (kind.isInstance(op)) r.add((T) op);
        return r;
    }

    /** The conds a task waits on (suspend is lock, condwait, unlock). */
    static List<Integer> condWaits(TaskTemplate t) {
        List<Integer> r = new ArrayList<>();
        for (Op.CondWait w : ops(t, Op.CondWait.class)) r.add(w.cond);
        return r;
    }

    static List<Integer> broadcasts(TaskTemplate t) {
        List<Integer> r = new ArrayList<>();
        for (Op.CondSignal s : ops(t, Op.CondSignal.class)) if (s.all) r.add(s.cond);
        return r;
    }

    @Test
    void mp3ShortLoads() {
        WorkloadSpec s = load("mp3-short.json");
        assertThat(s.name).isEqualTo("rtapp:mp3-short.json");
        assertThat(s.templates).extracting(t -> t.comm)
                .containsExactly("AudioTick", "AudioOut", "AudioTrack", "mp3.decoder", "OMXCall");
        assertThat(s.templates).allMatch(t -> t.instances == 1);
        assertThat(s.params).containsEntry("duration_s", "6").containsEntry("calibration", "CPU0");
        assertThat(s.params.get("warnings")).contains("\"frag\"");

        TaskTemplate tick = template(s, "AudioTick");
        assertThat(tick.nice).isEqualTo(-19);
        assertThat(tick.allowed).isEqualTo(CpuSet.of(1, 0));
        assertThat(tick.program[0]).isInstanceOfSatisfying(Op.LoopBegin.class, l -> assertThat(l.count).isEqualTo(-1));
        // resume "AudioOut": lock, broadcast, unlock on the cond and mutex AudioOut suspends on
        TaskTemplate out = template(s, "AudioOut");
        assertThat(tick.program[1]).isInstanceOf(Op.Lock.class);
        assertThat(tick.program[2]).isInstanceOfSatisfying(Op.CondSignal.class, c -> assertThat(c.all).isTrue());
        assertThat(tick.program[3]).isInstanceOf(Op.Unlock.class);
        assertThat(broadcasts(tick)).isEqualTo(condWaits(out));
        assertThat(ops(tick, Op.Lock.class).get(0).mutex).isEqualTo(ops(out, Op.CondWait.class).get(0).mutex);
        assertThat(tick.program[4]).isInstanceOfSatisfying(Op.Timer.class, t -> assertThat(t.periodNs).isEqualTo(6_000_000));
        assertThat(tick.program[5]).isInstanceOfSatisfying(Op.LoopBegin.class, l -> assertThat(l.count).isEqualTo(4));
        assertThat(ops(tick, Op.Timer.class)).extracting(t -> t.timer).containsOnly(0);
        assertThat(ops(tick, Op.Timer.class)).allMatch(t -> t.shared && !t.absolute);

        assertThat(ops(out, Op.Run.class)).extracting(r -> (long) r.work.mean()).containsExactly(275_000L, 4_725_000L);
        assertThat(broadcasts(out)).isEqualTo(condWaits(template(s, "AudioTrack")));
        assertThat(template(s, "AudioTrack").nice).isEqualTo(-16);
        assertThat(template(s, "mp3.decoder").nice).isEqualTo(-2);
        // lock, signal, wait, unlock twice in OMXCall: duplicates kept in order
        assertThat(ops(template(s, "OMXCall"), Op.Lock.class)).hasSize(2);
        assertThat(s.headline.kind).isEqualTo(WorkloadSpec.HeadlineKind.WORK_RATE);
        // one mutex and one cond per name: AudioOut, AudioTrack, mp3.decoder (suspend/resume) and mutex/queue
        assertThat(s.mutexes).isEqualTo(4);
        assertThat(s.conds).isEqualTo(4);
        assertThat(s.templates).allMatch(t -> ops(t, Op.Suspend.class).isEmpty() && ops(t, Op.Resume.class).isEmpty());
        assertThat(s.timers).isEqualTo(1);
        for (TaskTemplate t : s.templates) assertThat(t.program[t.program.length - 1]).isInstanceOf(Op.Exit.class);
    }

    @Test
    void browserShortUsesLegacySuspend() {
        WorkloadSpec s = load("browser-short.json");
        assertThat(s.templates).hasSize(9);
        TaskTemplate main = template(s, "BrowserMain");
        assertThat(main.program[0]).isInstanceOfSatisfying(Op.LoopBegin.class, l -> assertThat(l.count).isEqualTo(3));
        List<Integer> loops = new ArrayList<>();
        for (Op.LoopBegin l : ops(main, Op.LoopBegin.class)) loops.add(l.count);
        assertThat(loops).containsExactly(3, 50, 20, 4);

        // BrowserSub1/2 suspend on "BrowserSub", which is no task: both wait on one cond that BrowserMain broadcasts
        TaskTemplate sub1 = template(s, "BrowserSub1"), sub2 = template(s, "BrowserSub2");
        assertThat(condWaits(sub1)).hasSize(1).isEqualTo(condWaits(sub2));
        int browserSub = condWaits(sub1).get(0);
        assertThat(broadcasts(main)).contains(browserSub);
        assertThat(sub1.nice).isEqualTo(-6);

        // "Browser" is shared by BrowserMain and BrowserDisplay; Event-Browser resumes it
        TaskTemplate display = template(s, "BrowserDisplay");
        int browser = condWaits(display).get(0);
        assertThat(condWaits(main)).contains(browser);
        assertThat(broadcasts(template(s, "Event-Browser"))).containsExactly(browser);
        assertThat(browser).isNotEqualTo(browserSub);

        // a task suspending on its own name waits on the cond of that name, which its resumers broadcast
        TaskTemplate binder = template(s, "Binder-display");
        assertThat(broadcasts(display)).contains(condWaits(binder).get(0));
        assertThat(broadcasts(binder)).containsExactly(condWaits(template(s, "Event-Browser")).get(0),
                condWaits(template(s, "Event-Display")).get(0));

        // sync = signal + wait on queue11 with mutex11, matched by Binder-dummy's wait
        List<Op.CondSignal> syncSignal = ops(display, Op.CondSignal.class);
        assertThat(syncSignal).anyMatch(c -> !c.all);
        assertThat(s.params).containsEntry("duration_s", "6");
    }

    @Test
    void cameraShortLoads() {
        WorkloadSpec s = load("camera-short.json");
        assertThat(s.templates).hasSize(57);
        assertThat(s.timers).isEqualTo(3);
        // isp_0 suspends on "ispin_1" as ispin_1 does: one shared cond, broadcast by ispack
        TaskTemplate isp0 = template(s, "isp_0"), ispin1 = template(s, "ispin_1");
        assertThat(condWaits(isp0).get(0)).isEqualTo(condWaits(ispin1).get(0));
        assertThat(broadcasts(template(s, "ispack"))).contains(condWaits(ispin1).get(0));
        // pre-numbered keys (run1, lock1, wait2 ...) classify by prefix
        assertThat(ops(template(s, "CameraS0"), Op.Run.class)).hasSize(5);
        assertThat(ops(template(s, "CameraS0"), Op.CondWait.class)).hasSize(3);
        // ev2 has two phases called "p3"; both are kept
        assertThat(ops(template(s, "ev2"), Op.Run.class)).extracting(r -> (long) r.work.mean())
                .containsExactly(260_000L, 260_000L, 140_000L, 110_000L);
        // the timer shared by SensorService and DisplaySync has one id and is one timer for both
        assertThat(ops(template(s, "SensorService"), Op.Timer.class).get(0).timer)
                .isEqualTo(ops(template(s, "DisplaySync"), Op.Timer.class).get(0).timer);
        assertThat(ops(template(s, "DisplaySync"), Op.Timer.class)).allMatch(t -> t.shared);
    }

    @Test
    void spreadingTasksKeepsDuplicatePhasesAndUniqueTimers() {
        WorkloadSpec s = load("spreading-tasks.json");
        assertThat(s.templates).hasSize(2);
        assertThat(s.params).containsEntry("duration_s", "60");
        TaskTemplate t1 = template(s, "thread1"), t2 = template(s, "thread2");
        List<Integer> loops = new ArrayList<>();
        for (Op.LoopBegin l : ops(t2, Op.LoopBegin.class)) loops.add(l.count);
        assertThat(loops).containsExactly(-1, 900, 600, 300, 600);
        assertThat(ops(t1, Op.LoopBegin.class)).extracting(l -> l.count).containsExactly(-1, 300, 300);
        assertThat(ops(t1, Op.Timer.class)).extracting(t -> t.timer).containsOnly(0);
        assertThat(ops(t2, Op.Timer.class)).extracting(t -> t.timer).containsOnly(1);
        assertThat(s.timers).isEqualTo(2);
        assertThat(ops(t2, Op.Timer.class)).allMatch(t -> t.periodNs == 10_000_000L && !t.absolute && !t.shared);
    }

    @Test
    void videoShortNamesOneResourceForLockSyncSuspendAndResume() {
        WorkloadSpec s = load("video-short.json");
        assertThat(s.templates).hasSize(17);
        TaskTemplate d1 = template(s, "NuPlayerDriver1"), d2 = template(s, "NuPlayerDriver2");
        // NuPlayerDriver2's suspend "NuPlayerDriver" waits on the cond and mutex of the syncs on "NuPlayerDriver"
        Op.CondWait suspend = ops(d2, Op.CondWait.class).get(0);
        assertThat(ops(d2, Op.CondWait.class)).hasSize(4).allMatch(w -> w.cond == suspend.cond && w.mutex == suspend.mutex);
        // NuPlayerDriver1: its own suspend, then three syncs and a suspend "NuPlayerDriver"
        List<Op.CondWait> d1Waits = ops(d1, Op.CondWait.class);
        assertThat(d1Waits).hasSize(5);
        assertThat(d1Waits.subList(1, 5)).allMatch(w -> w.cond == suspend.cond && w.mutex == suspend.mutex);
        assertThat(ops(d1, Op.Lock.class)).extracting(l -> l.mutex).contains(suspend.mutex);
        // NuPlayerDriver1's bare suspend is its own name, which NuPlayerRenderer resumes
        assertThat(broadcasts(template(s, "NuPlayerRenderer"))).contains(condWaits(d1).get(0));
        assertThat(condWaits(d1).get(0)).isNotEqualTo(suspend.cond);
        assertThat(s.headline.kind).isEqualTo(WorkloadSpec.HeadlineKind.WORK_RATE);
    }

    @Test
    void videoLongDiffersOnlyInDuration() {
        WorkloadSpec shortCase = load("video-short.json"), longCase = load("video-long.json");
        assertThat(longCase.params).containsEntry("duration_s", "600");
        assertThat(shortCase.params).containsEntry("duration_s", "6");
        for (int i = 0; i < shortCase.templates.size(); i++)
            assertThat(longCase.templates.get(i).program).extracting(Op::toString)
                    .containsExactlyElementsOf(List.of(shortCase.templates.get(i).program).stream().map(Op::toString).toList());
    }

    @Test
    void loopCountsAsRtAppCountsThem() {
        // without phases, "loop" counts the runs of the events, and 0 is never reached
        WorkloadSpec s = parse("{\"tasks\":{\"a\":{\"loop\":0,\"run\":10}, \"b\":{\"loop\":3,\"run\":10},"
                + " \"c\":{\"loop\":0,\"phases\":{\"x\":{\"run\":5}}},"
                + " \"d\":{\"loop\":1,\"phases\":{\"x\":{\"loop\":0,\"run\":5},\"y\":{\"run\":5}}}}}");
        assertThat(template(s, "a").program[0]).isInstanceOfSatisfying(Op.LoopBegin.class, l -> assertThat(l.count).isEqualTo(-1));
        assertThat(template(s, "b").program[0]).isInstanceOfSatisfying(Op.LoopBegin.class, l -> assertThat(l.count).isEqualTo(3));
        // a task loop of 0 ends before the first phase
        assertThat(template(s, "c").program).hasSize(1).allMatch(op -> op instanceof Op.Exit);
        assertThat(template(s, "d").program[0]).isInstanceOfSatisfying(Op.LoopBegin.class, l -> assertThat(l.count).isEqualTo(-1));
        assertThat(s.params.get("warnings")).contains("phase \"x\" of task \"d\" has loop 0")
                .contains("task \"c\" has loop 0 and does nothing");
    }

    @Test
    void tasksetLegacyGrammarIsRefused() {
        assertThatThrownBy(() -> load("taskset.json"))
                .isInstanceOf(WorkloadException.class)
                .isInstanceOf(InputError.class)
                .hasMessageContaining("taskset.json:4:13: legacy rt-app grammar (exec/period/lock_order) is not supported")
                .hasMessageNotContaining("\n");
    }

    @Test
    void featuresFile() {
        WorkloadSpec s = RtAppReader.read(resource("features.json"), Map.of("DURATION", "10"));
        assertThat(s.params).containsEntry("duration_s", "10").containsEntry("calibration", "CPU0");
        assertThat(s.templates).extracting(t -> t.comm)
                .containsExactly("worker", "leader", "consumer", "spawner", "child", "child_waiter");
        TaskTemplate worker = template(s, "worker");
        assertThat(worker.instances).isEqualTo(3);
        assertThat(worker.allowed).isEqualTo(CpuSet.of(4, 1, 3));
        assertThat(ops(worker, Op.RunWall.class)).hasSize(1);
        // barrier parties: worker x3 + leader x1
        assertThat(s.barrierParties).containsExactly(4);
        assertThat(ops(template(s, "leader"), Op.Yield.class)).hasSize(1);
        Op.Signal post = ops(template(s, "leader"), Op.Signal.class).get(0);
        assertThat(post.all).isFalse();
        assertThat(ops(template(s, "consumer"), Op.Wait.class).get(0).channel).isEqualTo(post.channel);
        assertThat(s.params.get("warnings")).contains("\"mem\"");

        TaskTemplate spawner = template(s, "spawner");
        assertThat(spawner.startDelayNs).isEqualTo(2_000_000);
        assertThat(ops(spawner, Op.Fork.class)).extracting(f -> f.template).containsExactly(index(s, "child"));
        assertThat(ops(spawner, Op.SetNice.class)).extracting(n -> n.nice).containsExactly(5);
        assertThat(ops(spawner, Op.SetAffinity.class).get(0).cpus).isEqualTo(CpuSet.of(4, 0));
        Op.Timer timer = ops(spawner, Op.Timer.class).get(0);
        assertThat(timer.absolute).isTrue();
        assertThat(timer.periodNs).isEqualTo(4_000_000);
        assertThat(template(s, "child").instances).isZero();
        // bare "suspend" key: the task's own name, resumed by the forked child
        assertThat(condWaits(template(s, "child_waiter"))).hasSize(1);
        assertThat(broadcasts(template(s, "child"))).isEqualTo(condWaits(template(s, "child_waiter")));
        assertThat(s.headline.kind).isEqualTo(WorkloadSpec.HeadlineKind.COMPLETION_TIME);
        assertThat(s.endWhenAllExit).isTrue();
    }

    @Test
    void placeholderDefaultsAndMaxCpusHint() {
        WorkloadSpec s = RtAppReader.read(resource("features.json"), null, 8);
        assertThat(s.params).containsEntry("duration_s", "-1");
        assertThat(template(s, "worker").allowed).isEqualTo(CpuSet.of(8, 1, 3));
        assertThatThrownBy(() -> RtAppReader.read(resource("features.json"), Map.of(), 2))
                .hasMessageContaining("features.json:17:").hasMessageContaining("CPU 3 does not exist on a 2-CPU machine");
    }

    @Test
    void barrierUsedTwiceCountsTwice() {
        WorkloadSpec s = parse("{\"tasks\":{\"a\":{\"instance\":2,\"loop\":1,\"run\":10,\"barrier\":\"b\",\"barrier1\":\"b\"},"
                + "\"c\":{\"loop\":1,\"barrier\":\"b\"}}}");
        assertThat(s.barrierParties).containsExactly(5);
    }

    @Test
    void defaultsWithoutLoopAreForever() {
        WorkloadSpec s = parse("{\"tasks\":{\"a\":{\"run\":10}, \"b\":{\"loop\":2, \"phases\":{\"x\":{\"run\":5}}},"
                + " \"c\":{\"phases\":{\"x\":{\"sleep\":5}}}}}");
        assertThat(template(s, "a").program[0]).isInstanceOfSatisfying(Op.LoopBegin.class, l -> assertThat(l.count).isEqualTo(-1));
        assertThat(template(s, "b").program[0]).isInstanceOfSatisfying(Op.LoopBegin.class, l -> assertThat(l.count).isEqualTo(2));
        assertThat(template(s, "c").program[0]).isInstanceOfSatisfying(Op.LoopBegin.class, l -> assertThat(l.count).isEqualTo(-1));
        assertThat(s.headline.kind).isEqualTo(WorkloadSpec.HeadlineKind.WORK_RATE);
        assertThat(s.params.get("warnings")).contains("needs a time limit");
    }

    @Test
    void oneLineErrorsWithPositions() {
        assertThat(error("{\"tasks\":{\"a\":{\n  \"loop\":1,\n  \"frobnicate\":3}}}"))
                .startsWith("t.json:3:3: unknown key \"frobnicate\" in task \"a\"; expected an event");
        assertThat(error("{\"tasks\":{\"a\":{\"run\":1.5}}}"))
                .startsWith("t.json:1:22: \"run\" value is the number 1.5; expected a whole number of microseconds");
        assertThat(error("{\"tasks\":{\"a\":{\"run\":\"10\"}}}")).contains("a whole number of microseconds");
        assertThat(error("{\"tasks\":{\"a\":{\"run\":-4}}}")).contains("out of range");
        assertThat(error("{\"tasks\":{\"a\":{\"run\":10 \"sleep\":5}}}"))
                .startsWith("t.json:1:25: unexpected '\"sleep\":5}}}' after a member; expected ',' or '}'");
        assertThat(error("{\"tasks\":{\"a\":{\"run\":10}}")).startsWith("t.json:1:1: object is not closed; expected '}'");
        assertThat(error("{\"tasks\": /* never closed\n {}}")).startsWith("t.json:1:11: unterminated /* comment");
        assertThat(error("{\"global\":{\"duration\":__TIME__},\"tasks\":{}}")).startsWith("t.json:1:23: no value for placeholder __TIME__");
        assertThat(error("{\"tasks\":{\"a\":{\"fork\":\"nobody\"}}}")).contains("fork of unknown task \"nobody\"");
        assertThat(error("{\"tasks\":{\"a\":{\"phases\":{\"p\":{\"loop\":3}}}}}")).contains("phase \"p\" of task \"a\" has no events");
        assertThat(error("{\"tasks\":{\"a\":{\"loop\":-1,\"lock\":\"m\",\"unlock\":\"m\"}}}")).contains("loops forever without running");
        assertThat(error("{\"tasks\":{\"a\":{\"run\":1},\"a\":{\"run\":2}}}")).contains("task \"a\" is defined twice");
        assertThat(error("{\"tasks\":{\"a\":{\"lock\",\"run\":2}}}")).contains("\"lock\" value is missing");
        assertThat(error("{\"tasks\":{\"a\":{\"priority\":30,\"run\":2}}}")).contains("a nice value between -20 and 19");
        assertThat(error("{\"tasks\":{\"a\":{\"timer\":{\"ref\":\"t\"}}}}")).contains("timer without \"period\"");
        assertThat(error("[1,2]")).startsWith("t.json:1:1: the top level is an array");
        assertThat(error("")).startsWith("t.json:1:1: the file is empty");
        assertThat(error("{\"tasks\":{\"a\":{\"run\":10}}} trailing")).contains("after the top-level value");
        assertThat(error("[".repeat(200))).contains("nesting deeper than");
        assertThat(error("{\"tasks\":{\"a\":{\"exec\":10}}}")).contains("legacy rt-app grammar");
        assertThat(error("{\"tasks\":{\"a\":{\"run\":1,\n\"signal\":{\"ref\":\"q\"}}}}"))
                .startsWith("t.json:2:10: \"signal\" value is an object; expected a condition name in quotes");
    }

    @Test
    void missingFileIsAnInputError() {
        assertThatThrownBy(() -> RtAppReader.read(Path.of("/nonexistent/x.json"), Map.of()))
                .isInstanceOf(InputError.class).hasMessage("/nonexistent/x.json: no such file (expected an rt-app file)");
    }

    @Test
    void eventPrefixClassification() {
        assertThat(RtAppReader.Kind.of("runtime2")).isEqualTo(RtAppReader.Kind.RUNTIME);
        assertThat(RtAppReader.Kind.of("run7")).isEqualTo(RtAppReader.Kind.RUN);
        assertThat(RtAppReader.Kind.of("memrun")).isEqualTo(RtAppReader.Kind.MEMRUN);
        assertThat(RtAppReader.Kind.of("mem1")).isEqualTo(RtAppReader.Kind.MEM);
        assertThat(RtAppReader.Kind.of("unlock3")).isEqualTo(RtAppReader.Kind.UNLOCK);
        assertThat(RtAppReader.Kind.of("sem_wait")).isEqualTo(RtAppReader.Kind.SEM_WAIT);
        assertThat(RtAppReader.Kind.of("loop")).isNull();
    }

    @Test
    void theTotalTaskCountIsCapped() {
        StringBuilder json = new StringBuilder("{\"tasks\": {");
        for (int i = 0; i < 1001; i++)
            json.append(i == 0 ? "" : ",").append("\"t").append(i).append("\": {\"instance\": 100000, \"run\": 10}");
        json.append("}}");
        assertThat(error(json.toString())).startsWith("t.json:1:")
                .contains("the tasks ask for 100100000 instances in all", "at most " + RtAppReader.MAX_TASKS + " tasks");
    }

    @Test
    void aBarrierPartyCountThatWouldOverflowIsRefused() {
        StringBuilder json = new StringBuilder("{\"tasks\": {\"t\": {\"instance\": 100000, \"loop\": 1");
        for (int i = 0; i < 21475; i++) json.append(", \"barrier").append(i).append("\": \"b\"");
        json.append("}}}");
        assertThat(error(json.toString())).contains("barrier \"b\" is reached 2147500000 times per round",
                "at most " + Integer.MAX_VALUE);
    }
}
