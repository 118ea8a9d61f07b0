package org.schedlab.kernel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** PELT's fixed points and half-life, from the definition y^32 = 1/2 per 1024-µs period. */
class PeltTest {
    private static final long P = Pelt.PERIOD_NS;
    private static final double Y = Math.pow(0.5, 1.0 / 32);

    @Test
    void anAlwaysRunningEntityFollowsOneMinusYToTheN() {
        Pelt p = new Pelt(0);
        for (int n = 1; n <= 400; n++) {
            p.update(n * P, true, 1, 1024);
            double expected = 1024 * (1 - Math.pow(Y, n));
            assertThat(p.util()).as("period %d", n).isCloseTo(expected, within(1e-6));
            assertThat(p.runnable()).isCloseTo(expected, within(1e-6));
            assertThat(p.load()).isCloseTo(expected, within(1e-6));
        }
        p.update(2000 * P, true, 1, 1024);
        assertThat(p.util()).isCloseTo(1024, within(1e-6));
    }

    @Test
    void halfLifeIs32Periods() {
        Pelt p = new Pelt(0);
        p.update(32 * P, true, 1, 1024);
        assertThat(p.util()).isCloseTo(512, within(1e-6));
        double before = p.util();
        p.update(64 * P, false, 0, 0);
        assertThat(p.util()).isCloseTo(before / 2, within(1e-6));
    }

    @Test
    void theContinuousSumHasTheKernelsLoadAvgMaxAsItsLimit() {
        // LOAD_AVG_MAX = 47742 is the kernel's Σ 1024·y^k with per-period truncation; the untruncated
        // geometric sum, which the continuous form normalises by, is within 0.1 % of it
        assertThat(1024 / (1 - Y)).isCloseTo(47742, within(47742 * 1e-3));
    }

    @Test
    void runnableScalesWithTheRunnableCountAndLoadWithTheWeight() {
        Pelt p = new Pelt(0);
        p.update(2000 * P, false, 3, 3 * 1024 + 335);
        assertThat(p.util()).isEqualTo(0.0);
        assertThat(p.runnable()).isCloseTo(3 * 1024, within(1e-3));
        assertThat(p.load()).isCloseTo(3 * 1024 + 335, within(1e-3));
    }

    @Test
    void updatingInStepsEqualsOneUpdateOverTheWholeInterval() {
        Pelt once = new Pelt(0), steps = new Pelt(0);
        once.update(777_777_777L, true, 2, 2048);
        for (long t = 1_234_567; t < 777_777_777L; t += 1_234_567) steps.update(t, true, 2, 2048);
        steps.update(777_777_777L, true, 2, 2048);
        assertThat(steps.util()).isCloseTo(once.util(), within(1e-6));
        assertThat(steps.runnable()).isCloseTo(once.runnable(), within(1e-6));
        assertThat(steps.load()).isCloseTo(once.load(), within(1e-6));
    }

    @Test
    void removingAnEntityNeverDrivesTheQueueNegative() {
        Pelt rq = new Pelt(0), se = new Pelt(0);
        se.update(100 * P, true, 1, 1024);
        rq.sub(se);
        assertThat(rq.util()).isEqualTo(0.0);
        rq.add(se);
        assertThat(rq.util()).isEqualTo(se.util());
    }
}
