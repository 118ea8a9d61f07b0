package org.schedlab.experiment;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PolicyComparisonTest {
    @Test
    void cellsAreNormalizedToTheBaselineWithSignedImprovement() {
        // {m - d, m, m + d}: mean and median m, sample stdev d
        PolicyComparison c = PolicyComparison.builder("t").higherIsBetter(false).policies("base", "half", "same")
                .row("r", new double[] {9, 10, 11}, new double[] {4, 5, 6}, new double[] {11, 10, 9})
                .build();
        List<PolicyComparison.Cell> cells = c.rows().get(0).cells();
        assertThat(cells).extracting(PolicyComparison.Cell::policy).containsExactly("base", "half", "same");

        PolicyComparison.Cell base = cells.get(0);
        assertThat(base.normalized().getAsDouble()).isEqualTo(1.0);
        assertThat(Double.doubleToRawLongBits(base.pctImp().getAsDouble())).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(base.significant()).isFalse();
        assertThat(base.summary().cv()).isCloseTo(10, within(1e-12));

        PolicyComparison.Cell half = cells.get(1);
        assertThat(half.value()).isEqualTo(5);
        assertThat(half.normalized().getAsDouble()).isCloseTo(0.5, within(1e-15));
        assertThat(half.pctImp().getAsDouble()).isCloseTo(50, within(1e-12));
        // t = -5 / sqrt(2/3) on df = 4: far beyond t(0.975, 4) = 2.776
        assertThat(half.significant()).isTrue();

        PolicyComparison.Cell same = cells.get(2);
        assertThat(same.pctImp().getAsDouble()).isZero();
        assertThat(same.significant()).isFalse();
    }

    @Test
    void theChosenStatisticIsCompared() {
        PolicyComparison c = PolicyComparison.builder("t").higherIsBetter(true).statistic(Statistic.MEDIAN)
                .policies("a", "b").row("r", new double[] {1, 2, 30}, new double[] {3, 4, 5}).build();
        PolicyComparison.Cell b = c.rows().get(0).cells().get(1);
        assertThat(b.value()).isEqualTo(4);
        assertThat(b.normalized().getAsDouble()).isCloseTo(2, within(1e-15));
        assertThat(b.pctImp().getAsDouble()).isCloseTo(100, within(1e-12));
    }

    @Test
    void aZeroBaselineLeavesNoRatio() {
        PolicyComparison c = PolicyComparison.builder("t").higherIsBetter(false).policies("a", "b", "c")
                .row("r", new double[] {0, 0}, new double[] {1, 2}, new double[] {0, 0}).build();
        List<PolicyComparison.Cell> cells = c.rows().get(0).cells();
        assertThat(cells.get(1).normalized()).isEmpty();
        assertThat(cells.get(1).pctImp()).isEmpty();
        assertThat(cells.get(2).normalized().getAsDouble()).isEqualTo(1.0);
        assertThat(cells.get(2).pctImp().getAsDouble()).isZero();
    }

    @Test
    void rejectsWhatHasNoComparison() {
        assertThatThrownBy(() -> PolicyComparison.builder("t").policies("a").row("1", new double[] {1}).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("higher or lower");
        assertThatThrownBy(() -> PolicyComparison.builder("t").higherIsBetter(true).statistic(Statistic.HMEAN)
                .policies("a").row("1", new double[] {1, -1}).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("harmonic mean");
    }

    @Test
    void anUnfinishedSampleMakesItsCellUnfinishedWithoutAValue() {
        double u = PolicyComparison.UNFINISHED;
        PolicyComparison c = PolicyComparison.builder("t").higherIsBetter(false).policies("a", "b", "c")
                .row("r1", new double[] {10, 11}, new double[] {1, u}, new double[] {5, 6})
                .row("r2", new double[] {u, u}, new double[] {1, 2}, new double[] {5, 6}).build();
        List<PolicyComparison.Cell> r1 = c.rows().get(0).cells(), r2 = c.rows().get(1).cells();
        assertThat(r1.get(1).finished()).isFalse();
        assertThat(r1.get(1).unfinished()).isEqualTo(1);
        assertThat(r1.get(1).runs()).isEqualTo(2);
        assertThat(r1.get(1).summary()).isNull();
        assertThat(r1.get(1).normalized()).isEmpty();
        assertThat(r1.get(1).significant()).isFalse();
        assertThat(r1.get(2).normalized().getAsDouble()).isCloseTo(5.5 / 10.5, within(1e-12));
        // an unfinished baseline leaves every other cell of its row without a ratio
        assertThat(r2.get(0).finished()).isFalse();
        assertThat(r2.get(1).value()).isEqualTo(1.5);
        assertThat(r2.get(1).normalized()).isEmpty();
        assertThat(r2.get(1).pctImp()).isEmpty();
        assertThat(r2.get(1).significant()).isFalse();
    }
}
