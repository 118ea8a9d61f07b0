package org.schedlab.experiment;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class StatsTest {
    private static final double[] EIGHT = {2, 4, 4, 4, 5, 5, 7, 9};

    @Test
    void locationStatistics() {
        assertThat(Stats.amean(new double[] {1, 2, 3, 4})).isEqualTo(2.5);
        assertThat(Stats.hmean(new double[] {1, 2, 4})).isCloseTo(12.0 / 7, within(1e-15));
        assertThat(Stats.gmean(new double[] {1, 2, 4})).isCloseTo(2.0, within(1e-15));
        assertThat(Stats.gmean(new double[] {3, 12})).isCloseTo(6.0, within(1e-14));
        assertThat(Stats.median(new double[] {5, 1, 3})).isEqualTo(3);
        assertThat(Stats.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(Stats.median(new double[] {7})).isEqualTo(7);
    }

    @Test
    void spreadStatistics() {
        // sum of squared deviations from the mean 5 is 32
        assertThat(Stats.stdev(EIGHT)).isCloseTo(Math.sqrt(32.0 / 7), within(1e-15));
        assertThat(Stats.cvPercent(EIGHT)).isCloseTo(100 * Math.sqrt(32.0 / 7) / 5, within(1e-12));
        assertThat(Stats.stdev(new double[] {3, 3, 3})).isZero();
        assertThat(Stats.cvPercent(new double[] {-2, -4})).isCloseTo(100 * Math.sqrt(2) / 3, within(1e-12));
    }

    @Test
    void singleSampleHasNoSpreadNoIntervalAndIsNeverSignificant() {
        Summary s = Summary.of(42.0);
        assertThat(s.n()).isEqualTo(1);
        assertThat(s.stdev()).isZero();
        assertThat(s.cv()).isZero();
        assertThat(s.hasCi()).isFalse();
        assertThat(s.ciLow()).isEqualTo(42.0);
        assertThat(s.ciHigh()).isEqualTo(42.0);
        assertThat(Stats.welch(new double[] {1}, new double[] {1000, 1001, 1002}).significant()).isFalse();
        assertThat(Stats.welch(new double[] {1, 2, 3}, new double[] {1000}).significant()).isFalse();
    }

    @Test
    void zeroMeansGiveNumbersNotNaN() {
        Summary zeros = Summary.of(0, 0, 0);
        assertThat(zeros.cv()).isZero();
        assertThat(zeros.hmean()).isZero();
        assertThat(zeros.ciLow()).isZero();
        assertThat(zeros.ciHigh()).isZero();
        Summary symmetric = Summary.of(-1, 1);
        assertThat(symmetric.mean()).isZero();
        assertThat(symmetric.cv()).isZero();
        assertThat(Stats.gmean(new double[] {0, 5})).isZero();
        assertThat(Stats.hmean(new double[] {0, 5})).isZero();
        assertThat(Stats.pctImprovement(0, 0, true)).isZero();
        assertThat(Stats.pctImprovement(0, 0, false)).isZero();
        assertThat(Stats.welch(zeros, Summary.of(0, 0)).significant()).isFalse();
    }

    @Test
    void meansOfNegativeSamplesThatDoNotExistAreNaN() {
        assertThat(Stats.hmean(new double[] {1, -1})).isNaN();
        assertThat(Stats.gmean(new double[] {1, -1})).isNaN();
        assertThat(Stats.pctImprovement(0, 1, true)).isNaN();
    }

    @Test
    void rejectsEmptyAndNonFiniteSamples() {
        assertThatThrownBy(() -> Stats.amean(new double[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Summary.of(1, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Stats.median(new double[] {Double.POSITIVE_INFINITY}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Stats.tQuantile(1.0, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Stats.tQuantile(0.9, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"1, 12.706", "4, 2.776", "9, 2.262", "29, 2.045", "Infinity, 1.960"})
    void tQuantilesMatchTheTextbookTable(double df, double expected) {
        assertThat(Stats.tQuantile(0.975, df)).isCloseTo(expected, within(5e-4));
    }

    @Test
    void tQuantilesMatchClosedForms() {
        for (double p : new double[] {0.5, 0.6, 0.9, 0.975, 0.995, 0.9999, 0.01, 1e-6}) {
            // df = 1 is the Cauchy distribution; df = 2 has t = (2p - 1) / sqrt(2 p (1 - p)).
            assertThat(Stats.tQuantile(p, 1)).isCloseTo(Math.tan(Math.PI * (p - 0.5)), within(1e-9 * (1 + Math.abs(Math.tan(Math.PI * (p - 0.5))))));
            double two = (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
            assertThat(Stats.tQuantile(p, 2)).isCloseTo(two, within(1e-10 * (1 + Math.abs(two))));
        }
        assertThat(Stats.tQuantile(0.975, 1)).isCloseTo(12.706204736174694, within(1e-9));
        assertThat(Stats.tQuantile(0.975, 4)).isCloseTo(2.7764451051977934, within(1e-10));
        assertThat(Stats.tQuantile(0.975, 9)).isCloseTo(2.262157162798205, within(1e-10));
        assertThat(Stats.tQuantile(0.975, 29)).isCloseTo(2.045229642132703, within(1e-10));
        assertThat(Stats.tQuantile(0.995, 0.5)).isCloseTo(4113.964588804174, within(1e-5));
        assertThat(Stats.tQuantile(0.975, 3.7)).isCloseTo(2.8675207071911895, within(1e-10));
        assertThat(Stats.tQuantile(0.975, 1e4)).isCloseTo(1.960201239890626, within(1e-10));
        assertThat(Stats.tQuantile(0.975, 1e6)).isCloseTo(1.959966356814107, within(1e-10));
        assertThat(Stats.tQuantile(0.025, 9)).isCloseTo(-2.262157162798205, within(1e-10));
    }

    @Test
    void normalDistribution() {
        assertThat(Stats.normalQuantile(0.975)).isCloseTo(1.959963984540054, within(1e-12));
        assertThat(Stats.normalQuantile(1e-10)).isCloseTo(-6.361340902404056, within(1e-9));
        assertThat(Stats.normalCdf(0)).isEqualTo(0.5);
        assertThat(Stats.normalCdf(1.959963984540054)).isCloseTo(0.975, within(1e-14));
        assertThat(Stats.normalCdf(-1)).isCloseTo(0.15865525393145707, within(1e-14));
        assertThat(Stats.tQuantile(0.975, Double.POSITIVE_INFINITY)).isCloseTo(1.959963984540054, within(1e-12));
    }

    @Test
    void tCdfMatchesClosedForms() {
        // df = 1 is the Cauchy distribution; df = 2 has F(t) = 1/2 + t / (2 sqrt(2 + t^2)).
        for (double t : new double[] {-30, -2, -0.5, 0, 0.3, 1, 4, 100}) {
            assertThat(Stats.tCdf(t, 1)).isCloseTo(0.5 + Math.atan(t) / Math.PI, within(1e-14));
            assertThat(Stats.tCdf(t, 2)).isCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), within(1e-14));
        }
        assertThat(Stats.tCdf(-2.0, 3)).isCloseTo(0.06966298427942152, within(1e-13));
        assertThat(Stats.tCdf(1.5, 7.5)).isCloseTo(0.912759714706768, within(1e-13));
    }

    @Property(tries = 200)
    void tCdfInvertsTQuantile(@ForAll @DoubleRange(min = 0.001, max = 0.999) @Scale(6) double p,
                              @ForAll @DoubleRange(min = 0.3, max = 500) @Scale(3) double df) {
        assertThat(Stats.tCdf(Stats.tQuantile(p, df), df)).isCloseTo(p, within(1e-11));
    }

    @Test
    void confidenceIntervalUsesStudentsT() {
        // {m - d, m, m + d} has mean m and sample stdev d
        Summary s = Summary.of(90, 100, 110);
        double half = 4.302652729749462 * 10 / Math.sqrt(3);
        assertThat(s.mean()).isEqualTo(100);
        assertThat(s.stdev()).isCloseTo(10, within(1e-12));
        assertThat(s.cv()).isCloseTo(10, within(1e-12));
        assertThat(s.ciLow()).isCloseTo(100 - half, within(1e-9));
        assertThat(s.ciHigh()).isCloseTo(100 + half, within(1e-9));
        assertThat(s.median()).isEqualTo(100);
        assertThat(s.hmean()).isCloseTo(3 / (1 / 90.0 + 1 / 100.0 + 1 / 110.0), within(1e-12));
        assertThat(s.get(Statistic.AMEAN)).isEqualTo(s.mean());
        assertThat(s.get(Statistic.MEDIAN)).isEqualTo(s.median());
        assertThat(s.get(Statistic.HMEAN)).isEqualTo(s.hmean());
        assertThat(Stats.ciHalfWidth(2, 30, 0.95)).isCloseTo(2.045229642132703 * 2 / Math.sqrt(30), within(1e-10));
    }

    @Test
    void welchMatchesPublishedExamples() {
        double[] a1 = {27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4};
        double[] a2 = {27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4};
        Stats.Welch w = Stats.welch(a1, a2);
        assertThat(w.t()).isCloseTo(2.455356398286006, within(1e-9));
        assertThat(w.df()).isCloseTo(24.988529290231416, within(1e-9));
        assertThat(w.pTwoSided()).isCloseTo(0.021378001462866992, within(1e-10));
        assertThat(w.significant()).isTrue();

        double[] b1 = {17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8};
        double[] b2 = {21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8,
                       20.7, 21.7, 21.5, 22.5, 23.6, 21.5, 22.5, 23.5, 21.5, 21.8};
        Stats.Welch v = Stats.welch(b1, b2);
        assertThat(v.t()).isCloseTo(1.5654335235985037, within(1e-9));
        assertThat(v.df()).isCloseTo(9.904741248650831, within(1e-9));
        assertThat(v.pTwoSided()).isCloseTo(0.14884169660532817, within(1e-10));
        assertThat(v.significant()).isFalse();
        assertThat(Stats.significantlyDifferent(b2, b1)).isFalse();
    }

    @Test
    void welchWithoutNoise() {
        assertThat(Stats.significantlyDifferent(new double[] {5, 5}, new double[] {6, 6, 6})).isTrue();
        assertThat(Stats.significantlyDifferent(new double[] {5, 5}, new double[] {5, 5, 5})).isFalse();
        // one side noiseless: df is the other side's n - 1
        assertThat(Stats.welch(new double[] {5, 5, 5}, new double[] {1, 2, 3, 4}).df()).isCloseTo(3, within(1e-12));
    }

    @Test
    void percentImprovementIsPositiveWhenBetter() {
        assertThat(Stats.pctImprovement(100, 96, false)).isCloseTo(4, within(1e-12));
        assertThat(Stats.pctImprovement(100, 104, false)).isCloseTo(-4, within(1e-12));
        assertThat(Stats.pctImprovement(100, 102, true)).isCloseTo(2, within(1e-12));
        assertThat(Stats.pctImprovement(100, 98, true)).isCloseTo(-2, within(1e-12));
        assertThat(Stats.pctImprovement(-10, -5, true)).isCloseTo(50, within(1e-12));
    }

    @Test
    void statisticLabels() {
        assertThat(Statistic.parse("amean")).isEqualTo(Statistic.AMEAN);
        assertThat(Statistic.parse("Median")).isEqualTo(Statistic.MEDIAN);
        assertThat(Statistic.parse("HMEAN").label()).isEqualTo("HMean");
        assertThatThrownBy(() -> Statistic.parse("mode")).isInstanceOf(IllegalArgumentException.class);
    }
}
