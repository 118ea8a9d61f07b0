package org.schedlab.experiment;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MainlineCurvesTest {
    @Test
    void publishedCurvesAreTheReportsNumbers() {
        // tbench saturates at 256 clients; hackbench time grows 1.6x from 1 to 16 groups; schbench jumps 67x
        assertThat(MainlineCurves.TBENCH_MBS[8] / MainlineCurves.TBENCH_MBS[10]).isBetween(0.95, 0.97);
        assertThat(MainlineCurves.HACKBENCH_S[4] / MainlineCurves.HACKBENCH_S[0]).isBetween(1.59, 1.61);
        assertThat(MainlineCurves.SCHBENCH_US[9] / MainlineCurves.SCHBENCH_US[8]).isGreaterThan(50);
        for (double[] curve : new double[][]{MainlineCurves.TBENCH_MBS, MainlineCurves.HACKBENCH_S, MainlineCurves.SCHBENCH_US})
            for (int i = 1; i < curve.length; i++) assertThat(curve[i]).isGreaterThan(curve[i - 1]);
    }

    @Test
    void schbenchShapeNeedsGrowthAndAJumpWhenOversubscribed() {
        int[] workers = {16, 64, 256, 512};
        List<Validation.Check> good = MainlineCurves.schbenchShape(workers, new double[]{50, 150, 800, 60_000});
        assertThat(good).hasSize(2).allSatisfy(c -> assertThat(c.pass).as(c.name).isTrue());
        List<Validation.Check> flat = MainlineCurves.schbenchShape(workers, new double[]{50, 40, 800, 8_000});
        assertThat(flat).hasSize(2).noneSatisfy(c -> assertThat(c.pass).isTrue());
    }

    @Test
    void everyPointOfTheSmallSizeGivesACheck() {
        List<Validation.Check> checks = MainlineCurves.checks(MainlineCurves.Size.small(), 2);
        for (Validation.Check c : checks)
            System.out.printf("%s %s: %.4f (expected %.4f)%s%n", c.pass ? "PASS" : "FAIL", c.name, c.measured, c.expected,
                    c.known != null ? " known: " + c.known : "");
        // tbench 1 client absolute; hackbench 2 groups / 1; schbench growth
        assertThat(checks).hasSize(3);
        assertThat(checks).allSatisfy(c -> assertThat(c.measured).as(c.name).isFinite().isPositive());
    }
}
