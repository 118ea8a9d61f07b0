package org.schedlab.experiment;

import org.apache.commons.statistics.descriptive.GeometricMean;
import org.apache.commons.statistics.descriptive.Mean;
import org.apache.commons.statistics.descriptive.Median;
import org.apache.commons.statistics.descriptive.StandardDeviation;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.distribution.TDistribution;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.DataDispersion;
import org.apache.commons.statistics.inference.TTest;

/**
 * Statistics over per-seed samples: location (arithmetic, harmonic, geometric mean, median), spread (sample
 * standard deviation, coefficient of variation), Student's t confidence intervals, Welch's two-sample t-test and
 * percent improvement.
 *
 * <p>Every method is pure and deterministic. Sample arrays must be non-empty and finite, otherwise
 * {@link IllegalArgumentException}. Degenerate inputs give defined numbers rather than NaN: a single sample has
 * standard deviation 0 and CV 0, and a zero mean has CV 0. The only NaN results are the harmonic and geometric
 * means of samples containing a negative value, where those means do not exist.
 *
 * <p>Means, spread, distributions and the t-test come from Apache Commons Statistics; this class adds the
 * argument checks and the degenerate cases above.
 */
public final class Stats {
    /** Confidence level used for intervals and significance throughout. */
    public static final double CONFIDENCE = 0.95;

    private Stats() {}

    /**
     * Result of Welch's unequal-variance t-test of a first and a second sample: {@code t} is the second mean minus
     * the first over the standard error, {@code df} the Welch-Satterthwaite degrees of freedom.
     */
    public record Welch(double t, double df, double pTwoSided, boolean significant) {}

    // ---- location and spread ---------------------------------------------------------------------------------

    private static final Median MEDIAN = Median.withDefaults().withCopy(true);

    public static double amean(double[] xs) {
        check(xs);
        return Mean.of(xs).getAsDouble();
    }

    /** Harmonic mean; 0 when any sample is 0, NaN when any sample is negative. */
    public static double hmean(double[] xs) {
        check(xs);
        double inv = 0;
        boolean zero = false;
        for (double x : xs) {
            if (x < 0) return Double.NaN;
            if (x == 0) zero = true;
            else inv += 1 / x;
        }
        return zero ? 0 : xs.length / inv;
    }

    /** Geometric mean; 0 when any sample is 0, NaN when any sample is negative. */
    public static double gmean(double[] xs) {
        check(xs);
        return GeometricMean.of(xs).getAsDouble();
    }

    /** Median; the mean of the two middle values for an even count. */
    public static double median(double[] xs) {
        check(xs);
        return MEDIAN.evaluate(xs);
    }

    /** Sample standard deviation (n-1 denominator); 0 for a single sample. */
    public static double stdev(double[] xs) {
        check(xs);
        double sd = StandardDeviation.of(xs).getAsDouble();
        if (!Double.isNaN(sd)) return sd;
        // squares beyond the range of doubles: the same computation on the samples scaled to at most 1
        double scale = 0;
        for (double x : xs) scale = Math.max(scale, Math.abs(x));
        double[] ys = new double[xs.length];
        for (int i = 0; i < xs.length; i++) ys[i] = xs[i] / scale;
        return StandardDeviation.of(ys).getAsDouble() * scale;
    }

    /** Coefficient of variation in percent, {@code 100 * stdev / |mean|}; 0 when the mean is 0 or n is 1. */
    public static double cvPercent(double[] xs) {
        return cvPercent(stdev(xs), amean(xs));
    }

    static double cvPercent(double stdev, double mean) {
        return mean == 0 ? 0 : 100 * stdev / Math.abs(mean);
    }

    /**
     * Half-width of the two-sided confidence interval of a mean: {@code t(1-(1-level)/2, n-1) * stdev / sqrt(n)}.
     * 0 when n is 1 (there is no interval).
     */
    public static double ciHalfWidth(double stdev, int n, double level) {
        if (n < 1) throw new IllegalArgumentException("n must be positive, got " + n);
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("level outside (0,1): " + level);
        if (n == 1) return 0;
        return tQuantile(1 - (1 - level) / 2, n - 1) * stdev / Math.sqrt(n);
    }

    // ---- comparison -------------------------------------------------------------------------------------------

    /**
     * Percent improvement of {@code x} over {@code base}, positive when {@code x} is better:
     * {@code (x - base) / base * 100} if higher is better, {@code (base - x) / base * 100} if lower is better.
     * Uses {@code |base|} as the divisor so the sign always means better/worse. 0 when both are 0; NaN when only
     * {@code base} is 0, since no relative change exists.
     */
    public static double pctImprovement(double base, double x, boolean higherIsBetter) {
        double diff = higherIsBetter ? x - base : base - x;
        if (base == 0) return diff == 0 ? 0 : Double.NaN;
        return diff / Math.abs(base) * 100;
    }

    private static final TTest WELCH =
            TTest.withDefaults().with(DataDispersion.HETEROSCEDASTIC).with(AlternativeHypothesis.TWO_SIDED);

    /** Welch's t-test of the means of two samples at {@link #CONFIDENCE}. */
    public static Welch welch(double[] a, double[] b) {
        return welch(Summary.of(a), Summary.of(b));
    }

    /**
     * Welch's t-test of two summarized samples. Needs at least two samples on each side; with fewer the result
     * is never significant. When both samples have zero variance the means are either identical (not
     * significant) or different without any noise (significant). Samples whose difference or variances exceed
     * the range of doubles cannot be tested: never significant.
     */
    public static Welch welch(Summary a, Summary b) {
        double diff = b.mean() - a.mean();
        if (a.n() < 2 || b.n() < 2) return new Welch(0, 0, 1, false);
        if (!Double.isFinite(diff) || !Double.isFinite(a.stdev() * a.stdev()) || !Double.isFinite(b.stdev() * b.stdev()))
            return new Welch(0, 0, 1, false);
        if (a.stdev() == 0 && b.stdev() == 0) {
            int df = a.n() + b.n() - 2;
            return diff == 0 ? new Welch(0, df, 1, false)
                             : new Welch(Math.copySign(Double.POSITIVE_INFINITY, diff), df, 0, true);
        }
        TTest.Result r = WELCH.test(b.mean(), b.stdev() * b.stdev(), b.n(), a.mean(), a.stdev() * a.stdev(), a.n());
        return new Welch(r.getStatistic(), r.getDegreesOfFreedom(), r.getPValue(), r.getPValue() < 1 - CONFIDENCE);
    }

    /** True when Welch's test finds the means of {@code a} and {@code b} different at {@link #CONFIDENCE}. */
    public static boolean significantlyDifferent(double[] a, double[] b) {
        return welch(a, b).significant();
    }

    // ---- distributions ----------------------------------------------------------------------------------------

    private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);

    /** Cumulative distribution function of Student's t with {@code df > 0} degrees of freedom (may be infinite). */
    public static double tCdf(double t, double df) {
        checkDf(df);
        if (Double.isNaN(t)) throw new IllegalArgumentException("t is NaN");
        return TDistribution.of(df).cumulativeProbability(t);
    }

    /**
     * Quantile of Student's t: the {@code t} with {@code P(T <= t) = p}, for {@code 0 < p < 1} and {@code df > 0}
     * (fractional and infinite df allowed; infinite gives the normal quantile).
     */
    public static double tQuantile(double p, double df) {
        checkP(p);
        checkDf(df);
        // Work from the smaller tail so that small p keeps its precision; 1 - p is exact for p >= 0.5.
        TDistribution t = TDistribution.of(df);
        return p < 0.5 ? t.inverseCumulativeProbability(p) : -t.inverseCumulativeProbability(1 - p);
    }

    /** Standard normal cumulative distribution function. */
    public static double normalCdf(double z) {
        if (Double.isNaN(z)) throw new IllegalArgumentException("z is NaN");
        return STANDARD_NORMAL.cumulativeProbability(z);
    }

    /** Standard normal quantile for {@code 0 < p < 1}. */
    public static double normalQuantile(double p) {
        checkP(p);
        return p < 0.5 ? STANDARD_NORMAL.inverseCumulativeProbability(p)
                       : -STANDARD_NORMAL.inverseCumulativeProbability(1 - p);
    }

    // ---- argument checks --------------------------------------------------------------------------------------

    static void check(double[] xs) {
        if (xs == null || xs.length == 0) throw new IllegalArgumentException("no samples");
        for (double x : xs)
            if (!Double.isFinite(x)) throw new IllegalArgumentException("sample is not finite: " + x);
    }

    private static void checkP(double p) {
        if (!(p > 0 && p < 1)) throw new IllegalArgumentException("probability outside (0,1): " + p);
    }

    private static void checkDf(double df) {
        if (!(df > 0)) throw new IllegalArgumentException("degrees of freedom must be positive, got " + df);
    }
}
