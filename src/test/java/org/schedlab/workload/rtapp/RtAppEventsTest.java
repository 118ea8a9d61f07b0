package org.schedlab.workload.rtapp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.schedlab.workload.rtapp.UseCase.MS;
import static org.schedlab.workload.rtapp.UseCase.US;

/**
 * Each rt-app event run as rt-app's run_event executes it, in a use case small enough that its end time and every
 * task's CPU time follow by hand. Machines have no kernel costs and enough CPUs unless the case needs sharing.
 */
class RtAppEventsTest {
    private static final long SECOND = 1000 * MS;

    @Test
    void runIsWorkAndLoopsRepeatIt() {
        UseCase u = UseCase.run("""
                {"tasks": {"a": {"loop": 3, "run": 1000}}}""", 1, SECOND);
        assertThat(u.endNs).isEqualTo(3 * MS);
        assertThat(u.cpu("a")).isEqualTo(3 * MS);
    }

    @Test
    void runtimeIsWallTimeSoACompetitorShortensIt() {
        // one CPU: "wall" stays 6 ms on the clock however much of it the hog takes; the CPU never idles
        UseCase u = UseCase.run("""
                {"tasks": {"wall": {"loop": 1, "runtime": 6000}, "hog": {"loop": 1, "run": 20000}}}""", 1, SECOND);
        assertThat(u.cpu("hog")).isEqualTo(20 * MS);
        assertThat(u.cpu("wall")).isBetween(1 * MS, 6 * MS - 1);
        assertThat(u.endNs).isEqualTo(20 * MS + u.cpu("wall"));
    }

    @Test
    void sleepIsRelative() {
        UseCase u = UseCase.run("""
                {"tasks": {"a": {"loop": 10, "run": 1000, "sleep": 4000}}}""", 1, SECOND);
        assertThat(u.endNs).isEqualTo(50 * MS);
        assertThat(u.cpu("a")).isEqualTo(10 * MS);
    }

    @Test
    void timerWakesOnPeriodBoundariesFromTheTaskStart() {
        // t_first = use-case start + delay = 3 ms; boundaries at 13 and 23 ms
        UseCase u = UseCase.run("""
                {"tasks": {"a": {"delay": 3000, "loop": 2, "run": 1000, "timer": {"ref": "t", "period": 10000}}}}""",
                1, SECOND);
        assertThat(u.endNs).isEqualTo(23 * MS);
        assertThat(u.cpu("a")).isEqualTo(2 * MS);
    }

    @Test
    void relativeTimerRestartsAfterAnOverrunAbsoluteTimerCatchesUp() {
        // p1 runs 6 ms past its 4 ms boundary. relative: the timer restarts at 6 ms, then 10, 14, 18.
        // absolute: the boundaries stay 8, 12, 16.
        String file = """
                {"tasks": {"a": {"loop": 1, "phases": {
                    "p1": {"run": 6000, "timer": {"ref": "t", "period": 4000, "mode": "%s"}},
                    "p2": {"loop": 3, "run": 1000, "timer": {"ref": "t", "period": 4000, "mode": "%s"}}}}}}""";
        assertThat(UseCase.run(file.formatted("relative", "relative"), 1, SECOND).endNs).isEqualTo(18 * MS);
        assertThat(UseCase.run(file.formatted("absolute", "absolute"), 1, SECOND).endNs).isEqualTo(16 * MS);
        // the mode belongs to the timer: one absolute use makes it absolute for every use
        assertThat(UseCase.run(file.formatted("relative", "absolute"), 1, SECOND).endNs).isEqualTo(16 * MS);
    }

    @Test
    void aNamedTimerIsSharedByInstancesAUniqueOneIsNot() {
        // two instances, five periods each: every use of the shared timer advances it, so the ten uses
        // end at 10 x 10 ms; unique timers give each thread its own 5 x 10 ms
        String file = """
                {"tasks": {"a": {"instance": 2, "loop": 5, "run": 1000, "timer": {"ref": "%s", "period": 10000}}}}""";
        UseCase shared = UseCase.run(file.formatted("tick"), 2, SECOND);
        assertThat(shared.endNs).isEqualTo(100 * MS);
        assertThat(shared.cpu("a")).isEqualTo(10 * MS);
        assertThat(UseCase.run(file.formatted("unique_tick"), 2, SECOND).endNs).isEqualTo(50 * MS);
    }

    @Test
    void forkedTaskTimesItsTimerFromTheUseCaseStart() {
        // the child is forked at 10 ms; its first 4 ms boundary (from t_first = 0) has passed, so it does not
        // sleep and the relative timer restarts at 11 ms; the second boundary is 15 ms
        UseCase u = UseCase.run("""
                {"tasks": {
                  "parent": {"loop": 1, "sleep": 10000, "fork": "child"},
                  "child": {"instance": 0, "loop": 2, "run": 1000, "timer": {"ref": "unique", "period": 4000}}}}""",
                2, SECOND);
        assertThat(u.endNs).isEqualTo(15 * MS);
        assertThat(u.cpu("child")).isEqualTo(2 * MS);
    }

    @Test
    void forkCreatesOneThreadOfTheNamedTask() {
        UseCase u = UseCase.run("""
                {"tasks": {
                  "parent": {"loop": 3, "fork": "child", "sleep": 10000},
                  "child": {"instance": 0, "loop": 1, "run": 2000}}}""", 2, SECOND);
        assertThat(u.comm.values()).filteredOn("child"::equals).hasSize(3);
        assertThat(u.cpu("child")).isEqualTo(6 * MS);
        assertThat(u.endNs).isEqualTo(30 * MS);
    }

    @Test
    void lockSerialisesCriticalSections() {
        UseCase u = UseCase.run("""
                {"tasks": {"a": {"instance": 2, "loop": 1, "lock": "m", "run": 2000, "unlock": "m"}}}""", 2, SECOND);
        assertThat(u.endNs).isEqualTo(4 * MS);
        assertThat(u.cpu("a")).isEqualTo(4 * MS);
    }

    @Test
    void signalWakesAWaiterAndIsLostWhenNobodyWaits() {
        String file = """
                {"tasks": {
                  "waiter": {"delay": %d, "loop": 1, "lock": "m", "wait": {"ref": "q", "mutex": "m"}, "unlock": "m",
                             "run": 1000},
                  "signaller": {"loop": 1, "run": 2000, "lock": "m", "signal": "q", "unlock": "m"}}}""";
        UseCase waited = UseCase.run(file.formatted(0), 2, SECOND);
        assertThat(waited.endNs).isEqualTo(3 * MS);
        assertThat(waited.cpu("waiter")).isEqualTo(1 * MS);
        // the waiter only starts waiting after the signal: pthread_cond_signal has no memory
        UseCase lost = UseCase.run(file.formatted(2500), 2, SECOND);
        assertThat(lost.cpu("waiter")).isZero();
        assertThat(lost.endNs).isEqualTo(SECOND);
    }

    @Test
    void broadcastWakesEveryWaiterSignalOne() {
        String file = """
                {"tasks": {
                  "waiter": {"instance": 3, "loop": 1, "lock": "m", "wait": {"ref": "q", "mutex": "m"}, "unlock": "m",
                             "run": 1000},
                  "waker": {"loop": 1, "run": 2000, "%s": "q"}}}""";
        UseCase broad = UseCase.run(file.formatted("broad"), 4, SECOND);
        assertThat(broad.cpu("waiter")).isEqualTo(3 * MS);
        assertThat(broad.endNs).isEqualTo(3 * MS);
        UseCase signal = UseCase.run(file.formatted("signal"), 4, SECOND);
        assertThat(signal.cpu("waiter")).isEqualTo(1 * MS);
    }

    @Test
    void syncHandsOverSoTheTwoNeverRunTogether() {
        // each sync wakes the other and waits: one 1 ms run at a time on two CPUs, alternating
        UseCase u = UseCase.run("""
                {"tasks": {
                  "ping": {"lock": "m", "sync": {"ref": "q", "mutex": "m"}, "unlock": "m", "run": 1000},
                  "pong": {"delay": 100, "lock": "m", "sync": {"ref": "q", "mutex": "m"}, "unlock": "m", "run": 1000}}}""",
                2, SECOND);
        assertThat(u.cpu("ping") + u.cpu("pong")).isBetween(SECOND - 1 * MS - 100 * US, SECOND);
        assertThat(u.cpu("ping") - u.cpu("pong")).isBetween(-1 * MS, 1 * MS);
    }

    @Test
    void resumeWithNobodySuspendedIsLost() {
        // B resumes A twice every 20 ms; the second resume finds A running, not suspended: 1 ms per 20 ms
        UseCase u = UseCase.run("""
                {"tasks": {
                  "A": {"suspend": "A", "run": 1000},
                  "B": {"delay": 1000, "resume": "A", "resume1": "A", "timer": {"ref": "t", "period": 20000}}}}""",
                2, SECOND);
        assertThat(u.cpu("A")).isEqualTo(50 * MS);
    }

    @Test
    void resumeWakesEveryThreadSuspendedOnTheName() {
        // a bare "suspend" is the task's own name, shared by its instances; one resume wakes all three
        UseCase u = UseCase.run("""
                {"tasks": {
                  "A": {"instance": 3, "suspend", "run": 1000},
                  "B": {"delay": 1000, "resume": "A", "timer": {"ref": "t", "period": 10000}}}}""", 4, SECOND);
        assertThat(u.cpu("A")).isEqualTo(3 * 100 * MS);
    }

    @Test
    void suspendAndWaitOnOneNameShareTheCondition() {
        // a signal on "R" wakes a thread suspended on "R", and a resume of "R" wakes a thread waiting on it
        UseCase bySignal = UseCase.run("""
                {"tasks": {
                  "A": {"suspend": "R", "run": 1000},
                  "B": {"delay": 1000, "lock": "R", "signal": "R", "unlock": "R", "timer": {"ref": "t", "period": 10000}}}}""",
                2, SECOND);
        assertThat(bySignal.cpu("A")).isEqualTo(100 * MS);
        UseCase byResume = UseCase.run("""
                {"tasks": {
                  "A": {"lock": "R", "wait": {"ref": "R", "mutex": "R"}, "unlock": "R", "run": 1000},
                  "B": {"delay": 1000, "resume": "R", "timer": {"ref": "t", "period": 10000}}}}""", 2, SECOND);
        assertThat(byResume.cpu("A")).isEqualTo(100 * MS);
    }

    @Test
    void suspendAndResumeTakeTheResourceMutex() {
        // the holder keeps "R" locked until 5 ms: A's suspend (at 1 ms) and B's resume (at 2 ms) queue on it in
        // that order, so A is waiting when B broadcasts at 5 ms; B's sleeps then end at 15 and 25 ms
        UseCase u = UseCase.run("""
                {"tasks": {
                  "holder": {"loop": 1, "lock": "R", "run": 5000, "unlock": "R"},
                  "A": {"delay": 1000, "loop": 1, "suspend": "R", "run": 1000},
                  "B": {"delay": 2000, "loop": 2, "resume": "R", "sleep": 10000}}}""", 3, SECOND);
        assertThat(u.cpu("A")).isEqualTo(1 * MS);
        assertThat(u.endNs).isEqualTo(25 * MS);
    }

    @Test
    void semaphoreRemembersPosts() {
        UseCase u = UseCase.run("""
                {"tasks": {
                  "poster": {"loop": 1, "sem_post": "s", "sem_post1": "s"},
                  "taker": {"delay": 1000, "loop": 3, "sem_wait": "s", "run": 1000}}}""", 2, SECOND);
        assertThat(u.cpu("taker")).isEqualTo(2 * MS);
    }

    @Test
    void barrierWaitsForEveryUse() {
        UseCase u = UseCase.run("""
                {"tasks": {
                  "fast": {"loop": 5, "run": 1000, "barrier": "b"},
                  "slow": {"loop": 5, "run": 3000, "barrier": "b"}}}""", 2, SECOND);
        assertThat(u.endNs).isEqualTo(15 * MS);
        assertThat(u.cpu("fast")).isEqualTo(5 * MS);
        assertThat(u.cpu("slow")).isEqualTo(15 * MS);
    }

    @Test
    void yieldAloneChangesNothing() {
        UseCase u = UseCase.run("""
                {"tasks": {"a": {"loop": 5, "run": 1000, "yield": ""}}}""", 1, SECOND);
        assertThat(u.endNs).isEqualTo(5 * MS);
        UseCase two = UseCase.run("""
                {"tasks": {"a": {"instance": 2, "loop": 5, "run": 1000, "yield": ""}}}""", 1, SECOND);
        // two yielding threads on one CPU: it never idles (to the ns rounding of runs split by preemption)
        assertThat(two.endNs).isCloseTo(10 * MS, within(10L));
        assertThat(two.cpu("a")).isEqualTo(two.endNs);
    }

    @Test
    void phasesLoopsAndInstances() {
        // task loop 2 x (p1: 3 x 1 ms, p2: 2 x 500 us) = 8 ms per thread, three threads on three CPUs
        UseCase u = UseCase.run("""
                {"tasks": {"a": {"instance": 3, "loop": 2, "phases": {
                    "p1": {"loop": 3, "run": 1000},
                    "p2": {"loop": 2, "run": 500}}}}}""", 3, SECOND);
        assertThat(u.endNs).isEqualTo(8 * MS);
        assertThat(u.cpu("a")).isEqualTo(3 * 8 * MS);
        // without phases, "loop" counts the events' runs; a phase loop of 0 never reaches its count
        assertThat(UseCase.run("""
                {"tasks": {"a": {"loop": 4, "run": 1000}}}""", 1, SECOND).endNs).isEqualTo(4 * MS);
        UseCase forever = UseCase.run("""
                {"tasks": {"a": {"loop": 0, "run": 1000, "sleep": 1000}}}""", 1, SECOND);
        assertThat(forever.cpu("a")).isEqualTo(SECOND / 2);
    }
}
