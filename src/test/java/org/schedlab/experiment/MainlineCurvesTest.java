package org.schedlab.experiment;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MainlineCurvesTest {
    private static final RunPool runs = RunPool.of(2);

    @AfterAll
    static void closePool() { runs.close(); }

    @Test
    void publishedCurvesAreTheReportsNumbers() {
        // tbench saturates at 256 clients; hackbench time grows 1.6x from 1 to 16 groups; schbench jumps 67x
        MainlineCurves.Published nps1 = MainlineCurves.NPS1;
        assertThat(nps1.tbenchMbs()[8] / nps1.tbenchMbs()[10]).isBetween(0.95, 0.97);
        assertThat(nps1.hackbenchS()[4] / nps1.hackbenchS()[0]).isBetween(1.59, 1.61);
        assertThat(nps1.schbenchUs()[9] / nps1.schbenchUs()[8]).isGreaterThan(50);
        for (MainlineCurves.Published p : new MainlineCurves.Published[]{nps1, MainlineCurves.NPS2, MainlineCurves.NPS4}) {
            assertThat(p.tbenchMbs()).hasSameSizeAs(MainlineCurves.TBENCH_CLIENTS);
            assertThat(p.hackbenchS()).hasSameSizeAs(MainlineCurves.HACKBENCH_GROUPS);
            assertThat(p.schbenchUs()).hasSameSizeAs(MainlineCurves.SCHBENCH_WORKERS);
            // every mode saturates tbench by 512 clients, and schbench jumps more than 50x past the CPU count
            assertThat(p.tbenchMbs()[9] / p.tbenchMbs()[10]).isGreaterThan(0.95);
            assertThat(p.schbenchUs()[9] / p.schbenchUs()[8]).isGreaterThan(50);
            for (double[] curve : new double[][]{p.tbenchMbs(), p.hackbenchS(), p.schbenchUs()})
                for (int i = 1; i < curve.length; i++) assertThat(curve[i]).as("NPS%d", p.nps()).isGreaterThan(curve[i - 1]);
        }
    }

    @Test
    void schbenchShapeNeedsGrowthAndAJumpWhenOversubscribed() {
        int[] workers = {16, 64, 256, 512};
        List<Validation.Check> good = MainlineCurves.schbenchShape("", MainlineCurves.NPS1.schbenchUs(), workers,
                new double[]{50, 150, 800, 60_000});
        assertThat(good).hasSize(2).allSatisfy(c -> assertThat(c.pass).as(c.name).isTrue());
        List<Validation.Check> flat = MainlineCurves.schbenchShape("", MainlineCurves.NPS1.schbenchUs(), workers,
                new double[]{50, 40, 800, 8_000});
        assertThat(flat).hasSize(2).noneSatisfy(c -> assertThat(c.pass).isTrue());
    }

    @Test
    void everyPointOfTheSmallSizeGivesACheck() {
        List<Validation.Check> checks = MainlineCurves.checks(MainlineCurves.Size.small(), runs);
        for (Validation.Check c : checks)
            System.out.printf("%s %s: %.4f (expected %.4f)%s%n", c.pass ? "PASS" : "FAIL", c.name, c.measured, c.expected,
                    c.known != null ? " known: " + c.known : "");
        // tbench 1 client absolute against each of the two reports; hackbench 2 groups / 1; schbench growth
        assertThat(checks).hasSize(4);
        assertThat(checks.get(0).expected).isEqualTo(445.90);
        assertThat(checks.get(1).expected).isEqualTo(573.26);
        assertThat(checks.get(1).measured).isEqualTo(checks.get(0).measured);
        assertThat(checks).allSatisfy(c -> assertThat(c.measured).as(c.name).isFinite().isPositive());
    }

    @Test
    void afterDbenchsWarmUpEachPointIsCheckedAgainstTheReportsRatioToTheSaturatedMachine() {
        // dbench's warm-up is a fifth of AMD's -t 60
        assertThat(MainlineCurves.DBENCH_WARMUP_NS).isEqualTo(60_000_000_000L / 5);
        int[] clients = {64, 256, 1024};
        double[] pub = MainlineCurves.NPS1.tbenchMbs();
        double sat = pub[10];
        // a model at half the machine's level everywhere has the machine's ratios
        List<Validation.Check> same = MainlineCurves.dbenchChecks(clients, new double[]{pub[6] / 2, pub[8] / 2, sat / 2});
        assertThat(same).hasSize(2).allSatisfy(c -> assertThat(c.pass).as(c.name).isTrue());
        assertThat(same.get(0).expected).isCloseTo(20_847.13 / 53_211.32, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(same.get(1).measured).isCloseTo(pub[8] / sat, org.assertj.core.data.Offset.offset(1e-12));
        // the 1 s window's 64-client point (0.29 of 1024) fails, with the explanation beside it
        List<Validation.Check> low = MainlineCurves.dbenchChecks(clients, new double[]{0.29, pub[8] / sat, 1});
        assertThat(low.get(0).pass).isFalse();
        assertThat(low.get(0).known).contains("dbench");
        assertThat(low.get(1).pass).isTrue();
        // the full size measures from 16 clients to the 1024-client reference; the test suite's none
        assertThat(MainlineCurves.Size.full().dbenchTbench).contains(64, 256, 1024);
        assertThat(MainlineCurves.Size.small().dbenchTbench).isEmpty();
    }

    @Test
    void schbenchRunsItsOwnWarmUpThenThreeSecondsAndTenThousandWakeups() {
        // 256 workers wake about 3657 times a second: 3 s suffice; one worker needs 700 s for 10^4 wakeups
        assertThat(MainlineCurves.schbenchDurationNs(MainlineCurves.schbenchAsRun(256), 3_000_000_000L, 5_000_000_000L))
                .isEqualTo(8_000_000_000L);
        assertThat(MainlineCurves.schbenchDurationNs(MainlineCurves.schbenchAsRun(1), 3_000_000_000L, 5_000_000_000L))
                .isEqualTo(705_000_000_000L);
        assertThat(MainlineCurves.schbenchWorkers(MainlineCurves.schbenchAsRun(512))).isEqualTo(512);
        assertThat(MainlineCurves.schbenchDurationNs(MainlineCurves.schbenchAsRun(16), 500_000_000L, RunSpec.WARMUP_AUTO))
                .isEqualTo(500_000_000L);
    }
}
