package org.schedlab.experiment;

import java.util.Arrays;

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
 * <p>Distribution functions are computed, not tabulated: Student's t and the normal distribution through the
 * regularized incomplete beta and gamma functions, quantiles by bisection on those, to about 1e-12 relative.
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

    public static double amean(double[] xs) {
        check(xs);
        double s = 0;
        for (double x : xs) s += x;
        return s / xs.length;
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
        double logs = 0;
        boolean zero = false;
        for (double x : xs) {
            if (x < 0) return Double.NaN;
            if (x == 0) zero = true;
            else logs += Math.log(x);
        }
        return zero ? 0 : Math.exp(logs / xs.length);
    }

    /** Median; the mean of the two middle values for an even count. */
    public static double median(double[] xs) {
        check(xs);
        double[] s = xs.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : s[m - 1] + (s[m] - s[m - 1]) / 2;
    }

    /** Sample standard deviation (n-1 denominator); 0 for a single sample. */
    public static double stdev(double[] xs) {
        check(xs);
        if (xs.length < 2) return 0;
        double m = amean(xs);
        double ss = 0;
        for (double x : xs) ss += (x - m) * (x - m);
        return Math.sqrt(ss / (xs.length - 1));
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

    /** Welch's t-test of the means of two samples at {@link #CONFIDENCE}. */
    public static Welch welch(double[] a, double[] b) {
        return welch(Summary.of(a), Summary.of(b));
    }

    /**
     * Welch's t-test of two summarized samples. Needs at least two samples on each side; with fewer the result
     * is never significant. When both samples have zero variance the means are either identical (not
     * significant) or different without any noise (significant).
     */
    public static Welch welch(Summary a, Summary b) {
        double diff = b.mean() - a.mean();
        if (a.n() < 2 || b.n() < 2) return new Welch(0, 0, 1, false);
        double va = a.stdev() * a.stdev() / a.n();
        double vb = b.stdev() * b.stdev() / b.n();
        double se2 = va + vb;
        if (se2 == 0) {
            int df = a.n() + b.n() - 2;
            return diff == 0 ? new Welch(0, df, 1, false)
                             : new Welch(Math.copySign(Double.POSITIVE_INFINITY, diff), df, 0, true);
        }
        double t = diff / Math.sqrt(se2);
        double df = se2 * se2 / (va * va / (a.n() - 1) + vb * vb / (b.n() - 1));
        double p = tTwoSidedP(t, df);
        return new Welch(t, df, p, p < 1 - CONFIDENCE);
    }

    /** True when Welch's test finds the means of {@code a} and {@code b} different at {@link #CONFIDENCE}. */
    public static boolean significantlyDifferent(double[] a, double[] b) {
        return welch(a, b).significant();
    }

    // ---- distributions ----------------------------------------------------------------------------------------

    /** Cumulative distribution function of Student's t with {@code df > 0} degrees of freedom (may be infinite). */
    public static double tCdf(double t, double df) {
        checkDf(df);
        if (Double.isNaN(t)) throw new IllegalArgumentException("t is NaN");
        if (df > 1e7) return normalCdf(t);
        if (t == 0) return 0.5;
        double tail = tTwoSidedP(t, df) / 2;
        return t > 0 ? 1 - tail : tail;
    }

    /** {@code P(|T| > |t|)} for Student's t with {@code df} degrees of freedom. */
    static double tTwoSidedP(double t, double df) {
        if (Double.isInfinite(t)) return 0;
        if (df > 1e7) return 2 * normalCdf(-Math.abs(t));
        return regIncBeta(df / (df + t * t), df / 2, 0.5);
    }

    /**
     * Quantile of Student's t: the {@code t} with {@code P(T <= t) = p}, for {@code 0 < p < 1} and {@code df > 0}
     * (fractional and infinite df allowed; infinite gives the normal quantile).
     */
    public static double tQuantile(double p, double df) {
        checkP(p);
        checkDf(df);
        if (p == 0.5) return 0;
        // Work from the smaller tail so that small p keeps its precision; 1 - p is exact for p >= 0.5.
        double tail = Math.min(p, 1 - p);
        double t;
        if (df > 1e5) {
            t = cornishFisher(upperNormal(tail), df);
        } else {
            // P(T > t) = I_x(df/2, 1/2) / 2 with x = df / (df + t^2); I_x increases with x while t decreases.
            double target = 2 * tail;
            double lo = 0, hi = 1;
            for (int i = 0; i < 2000; i++) {
                double mid = lo + (hi - lo) / 2;
                if (mid <= lo || mid >= hi) break;
                if (regIncBeta(mid, df / 2, 0.5) < target) lo = mid;
                else hi = mid;
            }
            double x = lo + (hi - lo) / 2;
            t = Math.sqrt(df * (1 - x) / x);
        }
        return p < 0.5 ? -t : t;
    }

    /** Expansion of the t quantile in powers of 1/df around the normal quantile {@code z}; used for huge df. */
    private static double cornishFisher(double z, double df) {
        if (Double.isInfinite(df)) return z;
        double z2 = z * z;
        double g1 = (z2 + 1) * z / 4;
        double g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
        return z + g1 / df + g2 / (df * df);
    }

    /** Standard normal cumulative distribution function. */
    public static double normalCdf(double z) {
        if (Double.isNaN(z)) throw new IllegalArgumentException("z is NaN");
        if (z == 0) return 0.5;
        // Phi(z) = erfc(-z / sqrt 2) / 2 and erfc(u) = Q(1/2, u^2) for u >= 0.
        double upper = regGammaQ(0.5, z * z / 2) / 2;
        return z < 0 ? upper : 1 - upper;
    }

    /** Standard normal quantile for {@code 0 < p < 1}. */
    public static double normalQuantile(double p) {
        checkP(p);
        if (p == 0.5) return 0;
        double z = upperNormal(Math.min(p, 1 - p));
        return p < 0.5 ? -z : z;
    }

    /** The {@code z > 0} with upper tail probability {@code q <= 1/2}: {@code Q(1/2, z^2/2) = 2q}. */
    private static double upperNormal(double q) {
        double target = 2 * q;
        double lo = 0, hi = 40;
        for (int i = 0; i < 2000; i++) {
            double mid = lo + (hi - lo) / 2;
            if (mid <= lo || mid >= hi) break;
            if (regGammaQ(0.5, mid * mid / 2) > target) lo = mid;
            else hi = mid;
        }
        return lo + (hi - lo) / 2;
    }

    // ---- special functions ------------------------------------------------------------------------------------

    private static final double[] LANCZOS = {
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7,
    };

    /** Natural logarithm of the gamma function for {@code x > 0} (Lanczos, g = 7). */
    static double lnGamma(double x) {
        if (!(x > 0)) throw new IllegalArgumentException("lnGamma needs x > 0, got " + x);
        if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
        double y = x - 1;
        double a = LANCZOS[0];
        double t = y + 7.5;
        for (int i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (y + i);
        return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
    }

    private static final double TINY = 1e-300;
    private static final double EPS = 1e-16;
    private static final int MAX_TERMS = 100_000;

    /** Regularized incomplete beta function {@code I_x(a, b)}. */
    static double regIncBeta(double x, double a, double b) {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
        if (x < (a + 1) / (a + b + 2)) return front * betaContinuedFraction(x, a, b) / a;
        return 1 - front * betaContinuedFraction(1 - x, b, a) / b;
    }

    /** Continued fraction for the incomplete beta function, by the modified Lentz method. */
    private static double betaContinuedFraction(double x, double a, double b) {
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        if (Math.abs(d) < TINY) d = TINY;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= MAX_TERMS; m++) {
            int m2 = 2 * m;
            double even = m * (b - m) * x / ((a - 1 + m2) * (a + m2));
            d = 1 + even * d;
            if (Math.abs(d) < TINY) d = TINY;
            c = 1 + even / c;
            if (Math.abs(c) < TINY) c = TINY;
            d = 1 / d;
            h *= d * c;
            double odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1 + m2));
            d = 1 + odd * d;
            if (Math.abs(d) < TINY) d = TINY;
            c = 1 + odd / c;
            if (Math.abs(c) < TINY) c = TINY;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) <= 2 * EPS) break;
        }
        return h;
    }

    /** Regularized upper incomplete gamma function {@code Q(a, x)}. */
    static double regGammaQ(double a, double x) {
        if (x <= 0) return 1;
        double front = Math.exp(-x + a * Math.log(x) - lnGamma(a));
        if (x < a + 1) {
            double term = 1 / a, sum = term;
            for (int n = 1; n <= MAX_TERMS; n++) {
                term *= x / (a + n);
                sum += term;
                if (Math.abs(term) < Math.abs(sum) * EPS) break;
            }
            return 1 - front * sum;
        }
        double b = x + 1 - a;
        double c = 1 / TINY;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i <= MAX_TERMS; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.abs(d) < TINY) d = TINY;
            c = b + an / c;
            if (Math.abs(c) < TINY) c = TINY;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) <= 2 * EPS) break;
        }
        return front * h;
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
