package org.schedlab.calibrate;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SamplesTest {
    @Test
    void medianSpreadAndErrorOfThreeRuns() {
        Samples s = new Samples(3, 1, 2);
        assertThat(s.median()).isEqualTo(2);
        // quartiles 1.5 and 2.5: half the range over the middle value
        assertThat(s.spread()).isCloseTo(0.5, within(1e-12));
        assertThat(s.error()).isCloseTo(1.2533 * 0.5 / 1.349 / Math.sqrt(3), within(1e-12));
        assertThat(new Samples(5).spread()).isZero();
        assertThat(new Samples(1, Double.NaN, 2).hasNaN()).isTrue();
    }

    @Test
    void agreeingRunsStopAtTheMinimumAndDisagreeingOnesRunToTheMaximum() throws Exception {
        int[] n = {0};
        Samples[] steady = Samples.rounds(2, () -> new double[]{10, 20 + (n[0]++ % 2) * 0.01}, 3, 11, 2, 0.03);
        assertThat(steady[0].runs()).isEqualTo(3);
        assertThat(steady[1].values()).containsExactly(20, 20.01, 20);
        int[] k = {0};
        // every other run twice as long: a spread no number of runs brings under the target
        Samples[] noisy = Samples.rounds(1, () -> new double[]{k[0]++ % 2 == 0 ? 1 : 2}, 3, 11, 2, 0.03);
        assertThat(noisy[0].runs()).isEqualTo(11);
        assertThat(k[0]).isEqualTo(11);
    }

    @Test
    void moreRunsAreAddedUntilTheMedianIsKnownWellEnough() throws Exception {
        // values spread evenly over 1.000..1.225: the median's error shrinks as runs are added, two at a time
        int[] k = {0};
        Samples s = Samples.rounds(1, () -> new double[]{1 + 0.025 * ((7 * k[0]++) % 10)}, 3, 21, 2, 0.03)[0];
        assertThat(s.runs()).isGreaterThan(3).isLessThan(21);
        assertThat(s.error()).isLessThanOrEqualTo(0.03);
        assertThat(new Samples(java.util.Arrays.copyOf(s.values(), s.runs() - 2)).error()).isGreaterThan(0.03);
    }

    @Test
    void hostLoadReadsBusyTimeFromProcStat() {
        // user nice system idle iowait irq softirq steal: idle and iowait are not busy
        long[] b = HostLoad.parse(List.of("cpu  100 5 50 800 40 3 2 0 0 0", "cpu0 50 2 25 400 20 1 1 0 0 0",
                "cpu1 50 3 25 400 20 2 1 0 0 0", "intr 1 2 3", "ctxt 99"));
        assertThat(b).containsExactly(160, 1000, 2);
        assertThat(HostLoad.parse(List.of("intr 1"))).isNull();
    }

    @Test
    void theShareOtherProgramsTakeComesFromPerfStatsCpusUtilized() {
        String out = "\n Performance counter stats for 'sh -c ...':\n\n           3,884.06 msec task-clock"
                + "                       #    1.941 CPUs utilized          \n\n       2.001039262 seconds time elapsed\n";
        assertThat(HostLoad.cpusUtilized(out)).isEqualTo(1.941);
        assertThat(HostLoad.cpusUtilized("perf: not counted")).isNaN();
    }
}
