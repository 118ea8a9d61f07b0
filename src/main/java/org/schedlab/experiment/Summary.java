package org.schedlab.experiment;

import java.util.Collection;

/**
 * Immutable summary of one policy's samples (one per seed): count, arithmetic mean, sample standard deviation,
 * coefficient of variation in percent, the {@link Stats#CONFIDENCE} confidence interval of the mean (Student's t),
 * median and harmonic mean. No field is NaN except {@code hmean} for samples containing a negative value. With a
 * single sample the interval collapses to the mean and {@link #hasCi()} is false.
 */
public record Summary(int n, double mean, double stdev, double cv, double ciLow, double ciHigh, double median,
                      double hmean) {

    public Summary {
        if (n < 1) throw new IllegalArgumentException("a summary needs at least one sample, got n=" + n);
    }

    public static Summary of(double... samples) {
        Stats.check(samples);
        int n = samples.length;
        double mean = Stats.amean(samples);
        double sd = Stats.stdev(samples);
        double half = Stats.ciHalfWidth(sd, n, Stats.CONFIDENCE);
        return new Summary(n, mean, sd, Stats.cvPercent(sd, mean), mean - half, mean + half,
                Stats.median(samples), Stats.hmean(samples));
    }

    public static Summary of(Collection<? extends Number> samples) {
        return of(samples.stream().mapToDouble(Number::doubleValue).toArray());
    }

    /** Whether a confidence interval exists, i.e. there are at least two samples. */
    public boolean hasCi() { return n >= 2; }

    /** The value of the given statistic. */
    public double get(Statistic s) {
        return switch (s) {
            case AMEAN -> mean;
            case HMEAN -> hmean;
            case MEDIAN -> median;
        };
    }
}
