package org.schedlab.policy;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The push RFC as posted (20250409111539.23791-*-kprateek.nayak@amd.com), where it costs or decides something. */
class PushAsPostedTest {
    /** Node 0: two hogs per CPU (preempted, so pushable); node 1: short tasks that leave their CPUs newly idle. */
    private static Scenario numaScene() {
        Scenario s = new Scenario("synthetic:packages=2,cores=4");
        for (int i = 0; i < 8; i++) s.hog("h" + i, i % 4, true);
        for (int c = 4; c < 8; c++) s.oneShot("short" + c, c, 2_000_000L + 300_000L * c);
        return s;
    }

    @Test
    void everyDequeueAndSetNextTouchesTheOverloadedMaskLine() {
        Scenario s = new Scenario("synthetic:llcs=2,cores=4");
        for (int i = 0; i < 4; i++) s.hog("h" + i, i, false);
        s.run("push", 50_000_000L, true);
        Map<String, Long> c = s.out.rec.counts();
        // nothing is ever pushable here, yet fair_remove_pushable_task clears the bit on every set_next_task
        assertThat(c.getOrDefault("shared_line_updates.push", 0L)).isGreaterThanOrEqualTo(s.out.rec.contextSwitches);
        assertThat(c.getOrDefault("push.pushes", 0L)).isZero();
    }

    @Test
    void thePushTakesTheTargetsLockOnce() {
        Scenario s = numaScene().run("push", 50_000_000L, true);
        Map<String, Long> c = s.out.rec.counts();
        long pushes = c.getOrDefault("push.pushes", 0L);
        assertThat(pushes).isPositive();
        assertThat(c.get("remote_locks.push")).isEqualTo(pushes);
    }
}
