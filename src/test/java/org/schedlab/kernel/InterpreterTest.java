package org.schedlab.kernel;

import org.junit.jupiter.api.Test;
import org.schedlab.topology.CpuSet;
import org.schedlab.workload.Dist;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

/**
 * Each op of the task-program interpreter alone, on a machine without kernel costs, where the run's end
 * (every task exited) and the CPU time follow from the program by hand.
 */
class InterpreterTest {
    private static final long MS = 1_000_000L;

    private static Op run(long ms) { return new Op.Run(Dist.constant(ms * MS)); }

    private static TaskTemplate tt(String comm, int instances, Op... program) {
        return new TaskTemplate(comm, program, instances);
    }

    private static WorkloadSpec spec(TaskTemplate... templates) {
        WorkloadSpec w = new WorkloadSpec("ops");
        for (TaskTemplate t : templates) w.addTemplate(t);
        w.endWhenAllExit = true;
        return w;
    }

    private static RunOutcome on(int cpus, WorkloadSpec w) {
        return Sim.run("synthetic:cores=" + cpus, "linux-wake", w, Sim.config(10_000 * MS, 1, false, true));
    }

    private static long cpuTime(RunOutcome o) { return Arrays.stream(o.taskExecNs).sum(); }

    // ---------------------------------------------------------------- one scenario per op kind

    static RunOutcome runOp() {
        RunOutcome o = on(1, spec(tt("a", 1, run(5))));
        assertThat(o.simTimeNs).isEqualTo(5 * MS);
        assertThat(cpuTime(o)).isEqualTo(5 * MS);
        return o;
    }

    static RunOutcome runWall() {
        // a competitor shares the CPU: the wall-clock run still ends 6 ms after it began, with less CPU time;
        // the CPU never idles, so the run ends when both CPU times are spent
        RunOutcome o = on(1, spec(tt("wall", 1, new Op.RunWall(Dist.constant(6 * MS))), tt("hog", 1, run(20))));
        assertThat(o.taskExecNs[0]).isBetween(1 * MS, 6 * MS - 1);
        assertThat(o.simTimeNs).isEqualTo(20 * MS + o.taskExecNs[0]);
        return o;
    }

    static RunOutcome sleep() {
        RunOutcome o = on(1, spec(tt("a", 1, run(1), new Op.Sleep(Dist.constant(3 * MS)), run(1))));
        assertThat(o.simTimeNs).isEqualTo(5 * MS);
        assertThat(cpuTime(o)).isEqualTo(2 * MS);
        return o;
    }

    static RunOutcome timer() {
        // periods end at 4, 8, 12 ms after creation whatever the run time inside them
        WorkloadSpec w = spec(tt("a", 1, new Op.LoopBegin(3), run(1), new Op.Timer(0, 4 * MS, true), new Op.LoopEnd(0)));
        w.timers = 1;
        RunOutcome o = on(1, w);
        assertThat(o.simTimeNs).isEqualTo(12 * MS);
        assertThat(cpuTime(o)).isEqualTo(3 * MS);
        return o;
    }

    static RunOutcome waitAndSignal() {
        WorkloadSpec w = spec(tt("waiter", 1, new Op.Wait(0), run(1)),
                tt("signaller", 1, run(2), new Op.Signal(0, false, false)));
        w.channels = 1;
        RunOutcome o = on(2, w);
        assertThat(o.simTimeNs).isEqualTo(3 * MS);
        assertThat(o.rec.wakeups).isEqualTo(1);
        return o;
    }

    static RunOutcome signalWithoutWaiterIsRemembered() {
        WorkloadSpec w = spec(tt("waiter", 1, run(2), new Op.Wait(0), run(1)),
                tt("signaller", 1, new Op.Signal(0, false, false)));
        w.channels = 1;
        RunOutcome o = on(2, w);
        assertThat(o.simTimeNs).isEqualTo(3 * MS);
        assertThat(o.rec.wakeups).isZero();
        return o;
    }

    static RunOutcome lockAndUnlock() {
        // two holders of one mutex on two CPUs run their critical sections one after the other
        WorkloadSpec w = spec(tt("a", 2, new Op.Lock(0), run(2), new Op.Unlock(0)));
        w.mutexes = 1;
        RunOutcome o = on(2, w);
        assertThat(o.simTimeNs).isEqualTo(4 * MS);
        assertThat(cpuTime(o)).isEqualTo(4 * MS);
        return o;
    }

    static RunOutcome condWaitAndSignal() {
        WorkloadSpec w = spec(tt("waiter", 1, new Op.Lock(0), new Op.CondWait(0, 0), new Op.Unlock(0), run(1)),
                tt("signaller", 1, run(2), new Op.Lock(0), new Op.CondSignal(0, false), new Op.Unlock(0)));
        w.mutexes = 1;
        w.conds = 1;
        RunOutcome o = on(2, w);
        assertThat(o.simTimeNs).isEqualTo(3 * MS);
        return o;
    }

    static RunOutcome suspendAndResume() {
        RunOutcome o = on(2, spec(tt("sleeper", 1, new Op.Suspend(), run(1)), tt("waker", 1, run(2), new Op.Resume(0))));
        assertThat(o.simTimeNs).isEqualTo(3 * MS);
        return o;
    }

    static RunOutcome barrier() {
        WorkloadSpec w = spec(tt("fast", 1, run(1), new Op.Barrier(0), run(1)),
                tt("slow", 1, run(3), new Op.Barrier(0), run(1)));
        w.barrierParties = new int[]{2};
        RunOutcome o = on(2, w);
        assertThat(o.simTimeNs).isEqualTo(4 * MS);
        return o;
    }

    static RunOutcome forkAndWaitChildren() {
        RunOutcome o = on(3, spec(tt("parent", 1, new Op.Fork(1, 2), new Op.WaitChildren(2), run(1)),
                tt("child", 0, run(2))));
        assertThat(o.simTimeNs).isEqualTo(3 * MS);
        assertThat(o.rec.tasksCreated).isEqualTo(3);
        assertThat(o.rec.tasksExited).isEqualTo(3);
        return o;
    }

    static RunOutcome exec() {
        RunOutcome o = on(1, spec(tt("a", 1, new Op.Exec(), run(1))));
        assertThat(o.simTimeNs).isEqualTo(1 * MS);
        return o;
    }

    static RunOutcome yieldOp() {
        // a yield with nothing else queued changes nothing
        RunOutcome o = on(1, spec(tt("a", 1, run(1), new Op.Yield(), run(1))));
        assertThat(o.simTimeNs).isEqualTo(2 * MS);
        assertThat(o.rec.contextSwitches).isEqualTo(1);
        // with a competitor it gives the CPU away
        RunOutcome two = on(1, spec(tt("a", 2, run(1), new Op.Yield(), run(1))));
        assertThat(two.simTimeNs).isEqualTo(4 * MS);
        assertThat(two.rec.contextSwitches).isGreaterThan(2);
        return o;
    }

    static RunOutcome exit() {
        RunOutcome o = on(1, spec(tt("a", 1, run(1), new Op.Exit(), run(5))));
        assertThat(o.simTimeNs).isEqualTo(1 * MS);
        return o;
    }

    static RunOutcome loops() {
        RunOutcome o = on(1, spec(tt("a", 1, new Op.LoopBegin(3), run(1), new Op.LoopEnd(0),
                new Op.LoopBegin(0), run(7), new Op.LoopEnd(3))));
        assertThat(o.simTimeNs).isEqualTo(3 * MS);
        return o;
    }

    static RunOutcome setAffinity() {
        RunOutcome o = on(2, spec(tt("a", 1, run(1), new Op.SetAffinity(CpuSet.of(2, 1)), run(1))));
        assertThat(o.busyNs[1]).isGreaterThanOrEqualTo(1 * MS);
        return o;
    }

    static RunOutcome setNice() {
        // two hogs on one CPU: after one goes to nice 5 they share it 1024 : 335
        WorkloadSpec w = spec(tt("nice", 1, new Op.SetNice(5), new Op.LoopBegin(-1), run(10), new Op.LoopEnd(1)),
                tt("plain", 1, new Op.LoopBegin(-1), run(10), new Op.LoopEnd(0)));
        w.endWhenAllExit = false;
        RunOutcome o = Sim.run("synthetic:cores=1", "linux-wake", w, Sim.config(2_000 * MS, 1, false, true));
        assertThat((double) o.taskExecNs[1] / o.taskExecNs[0]).isCloseTo(1024.0 / 335, withPercentage(5));
        return o;
    }

    static RunOutcome mark() {
        // an interval of 2 ms; one begun at a stamp 3 ms before its end, less 1 ms: 2 ms; one less more than its
        // length: 1 us, as schbench's add_lat() keeps it
        WorkloadSpec w = spec();
        int m = w.mark("op"), stamped = w.mark("stamped");
        w.channels = 1;
        w.addTemplate(tt("a", 1, run(1), new Op.Mark(m, true), run(2), new Op.Mark(m, false),
                new Op.Mark(stamped, Op.Mark.Kind.STAMP, 0, 0), run(1), new Op.Mark(stamped, Op.Mark.Kind.BEGIN_AT_STAMP, 0, 0),
                run(2), new Op.Mark(stamped, Op.Mark.Kind.END, -1, MS),
                new Op.Mark(stamped, Op.Mark.Kind.BEGIN_AT_STAMP, 0, 0), new Op.Mark(stamped, Op.Mark.Kind.END, -1, 9 * MS)));
        RunOutcome o = on(1, w);
        assertThat(o.rec.markCount[m]).isEqualTo(1);
        assertThat(o.rec.markLatency.get(m).getMaxValue()).isCloseTo(2 * MS, withPercentage(1));
        assertThat(o.rec.markCount[stamped]).isEqualTo(2);
        assertThat(o.rec.markLatency.get(stamped).getMaxValue()).isCloseTo(2 * MS, withPercentage(1));
        assertThat(o.rec.markLatency.get(stamped).getMinValue()).isCloseTo(1_000, withPercentage(1));
        return o;
    }

    static RunOutcome bufferReserveAndRelease() {
        // 4 slots, writers woken at ≤ 1 used: the writer fills 4 slots by t = 4 and blocks; the reader frees one per
        // ms from t = 10, and only the third release (t = 12, 1 used) wakes it; the writer ends at 14, the reader at 16
        WorkloadSpec w = spec();
        int m = w.mark("writer");
        int b = w.addBuffer(4, 1, true);
        w.addTemplate(tt("writer", 1, new Op.Mark(m, true), new Op.LoopBegin(6), new Op.BufferReserve(b), run(1),
                new Op.LoopEnd(1), new Op.Mark(m, false)));
        w.addTemplate(tt("reader", 1, run(10), new Op.LoopBegin(6), new Op.BufferRelease(b), run(1), new Op.LoopEnd(1)));
        RunOutcome o = on(2, w);
        assertThat(o.rec.markLatency.get(m).getMaxValue()).isCloseTo(14 * MS, withPercentage(1));
        assertThat(o.simTimeNs).isEqualTo(16 * MS);
        assertThat(cpuTime(o)).isEqualTo(22 * MS);
        assertThat(o.rec.wakeups).isEqualTo(1);
        return o;
    }

    static RunOutcome bufferLock() {
        // three writers on three CPUs each hold a locked buffer's mutex for 2 ms: one at a time, the later ones
        // spinning on their CPUs meanwhile, so they end at 2, 4 and 6 ms with 2 + 4 + 6 ms of CPU time
        WorkloadSpec w = spec();
        int b = w.addBuffer(8, 0, true, true);
        w.addTemplate(tt("writer", 3, new Op.BufferLock(b), run(2)));
        RunOutcome o = on(3, w);
        assertThat(o.simTimeNs).isEqualTo(6 * MS);
        assertThat(cpuTime(o)).isEqualTo(12 * MS);
        // on one CPU nothing waits: the same run as without the mutex
        WorkloadSpec unlocked = spec();
        unlocked.addTemplate(tt("writer", 3, run(2)));
        RunOutcome one = on(1, w), plain = on(1, unlocked);
        assertThat(one.simTimeNs).isEqualTo(plain.simTimeNs).isBetween(6 * MS, 6 * MS + 1);
        assertThat(cpuTime(one)).isEqualTo(cpuTime(plain));
        return o;
    }

    /** Every op kind, with a scenario that runs it; a new kind must be added here. */
    private static final Map<Class<?>, Supplier<RunOutcome>> SCENARIOS = Map.ofEntries(
            entry(Op.Run.class, InterpreterTest::runOp),
            entry(Op.RunWall.class, InterpreterTest::runWall),
            entry(Op.Sleep.class, InterpreterTest::sleep),
            entry(Op.Timer.class, InterpreterTest::timer),
            entry(Op.Wait.class, InterpreterTest::waitAndSignal),
            entry(Op.BufferReserve.class, InterpreterTest::bufferReserveAndRelease),
            entry(Op.BufferRelease.class, InterpreterTest::bufferReserveAndRelease),
            entry(Op.BufferLock.class, InterpreterTest::bufferLock),
            entry(Op.Signal.class, InterpreterTest::signalWithoutWaiterIsRemembered),
            entry(Op.Lock.class, InterpreterTest::lockAndUnlock),
            entry(Op.Unlock.class, InterpreterTest::lockAndUnlock),
            entry(Op.CondWait.class, InterpreterTest::condWaitAndSignal),
            entry(Op.CondSignal.class, InterpreterTest::condWaitAndSignal),
            entry(Op.Suspend.class, InterpreterTest::suspendAndResume),
            entry(Op.Resume.class, InterpreterTest::suspendAndResume),
            entry(Op.Barrier.class, InterpreterTest::barrier),
            entry(Op.Fork.class, InterpreterTest::forkAndWaitChildren),
            entry(Op.WaitChildren.class, InterpreterTest::forkAndWaitChildren),
            entry(Op.Exec.class, InterpreterTest::exec),
            entry(Op.Yield.class, InterpreterTest::yieldOp),
            entry(Op.Exit.class, InterpreterTest::exit),
            entry(Op.LoopBegin.class, InterpreterTest::loops),
            entry(Op.LoopEnd.class, InterpreterTest::loops),
            entry(Op.SetAffinity.class, InterpreterTest::setAffinity),
            entry(Op.SetNice.class, InterpreterTest::setNice),
            entry(Op.Mark.class, InterpreterTest::mark));

    @Test
    void everyOpKindHasAScenario() {
        Set<Class<?>> kinds = new HashSet<>(Arrays.asList(Op.class.getPermittedSubclasses()));
        assertThat(SCENARIOS.keySet()).containsExactlyInAnyOrderElementsOf(kinds);
    }

    @Test void run() { runOp(); }
    @Test void runWallEndsOnWallTime() { runWall(); }
    @Test void sleepBlocksForItsDuration() { sleep(); }
    @Test void timerSleepsToThePeriodBoundary() { timer(); }
    @Test void waitBlocksUntilSignalled() { waitAndSignal(); }
    @Test void aSignalWithoutWaiterIsRemembered() { signalWithoutWaiterIsRemembered(); }
    @Test void aMutexSerialisesItsHolders() { lockAndUnlock(); }
    @Test void condWaitReleasesTheMutexUntilSignalled() { condWaitAndSignal(); }
    @Test void suspendWaitsForResume() { suspendAndResume(); }
    @Test void barrierReleasesAllPartiesAtTheLastArrival() { barrier(); }
    @Test void forkedChildrenAreAwaited() { forkAndWaitChildren(); }
    @Test void execContinuesTheProgram() { exec(); }
    @Test void yieldGivesTheCpuToAnotherTask() { yieldOp(); }
    @Test void exitEndsTheProgram() { exit(); }
    @Test void loopsRepeatTheirBodyAndSkipAnEmptyCount() { loops(); }
    @Test void setAffinityMovesTheTask() { setAffinity(); }
    @Test void setNiceChangesTheShare() { setNice(); }
    @Test void markMeasuresTheSpan() { mark(); }
    @Test void aFullBufferBlocksItsWriterUntilTheWakeLevel() { bufferReserveAndRelease(); }
    @Test void aLockedBufferTakesItsOperationsOneAtATime() { bufferLock(); }
}
