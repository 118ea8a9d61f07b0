package org.schedlab.calibrate;

import java.io.IOException;
import java.util.Arrays;

/**
 * Repeated measurements of one figure: the value used is their median, the spread their interquartile range over
 * the median (quartiles interpolated between order statistics, so with three runs it is half their range over the
 * middle one), and the error the median's standard error over the median, estimated from the spread as for a
 * normal sample (σ ≈ IQR / 1.349, standard error of a median ≈ 1.2533 σ / √runs). A figure whose median is not yet
 * known well enough is measured again: {@link #rounds} adds runs while any figure's error is above a target.
 */
public final class Samples {
    private final double[] values;

    public Samples(double... values) {
        if (values.length == 0) throw new IllegalArgumentException("no samples");
        this.values = values.clone();
    }

    public int runs() { return values.length; }

    public double median() { return quantile(0.5); }

    /** Interquartile range over the median (0 for one run or a zero median). */
    public double spread() {
        double m = median();
        return m == 0 ? 0 : (quantile(0.75) - quantile(0.25)) / Math.abs(m);
    }

    /** Standard error of the median over the median, from the spread (0 for one run). */
    public double error() {
        return 1.2533 * spread() / 1.349 / Math.sqrt(values.length);
    }

    /** The {@code q}-quantile, interpolated between the sorted values. */
    double quantile(double q) {
        double[] s = values.clone();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }

    public double[] values() { return values.clone(); }

    /** Whether some run gave no figure (NaN). */
    public boolean hasNaN() {
        for (double v : values) if (Double.isNaN(v)) return true;
        return false;
    }

    /** One round: every figure measured once, in an order that alternates them so a slow moment touches all. */
    public interface Round {
        double[] run() throws IOException, InterruptedException;
    }

    /**
     * Runs {@code min} rounds, then {@code step} more at a time while some figure's {@link #error} exceeds
     * {@code target}, up to {@code max} rounds. Figure {@code i} of the result holds the i-th value of every round.
     */
    public static Samples[] rounds(int figures, Round round, int min, int max, int step, double target)
            throws IOException, InterruptedException {
        if (min < 1 || max < min || step < 1) throw new IllegalArgumentException("rounds " + min + ".." + max + " by " + step);
        double[][] v = new double[figures][max];
        int n = 0;
        while (n < max) {
            int until = n == 0 ? min : Math.min(max, n + step);
            for (; n < until; n++) {
                double[] r = round.run();
                if (r.length != figures) throw new IllegalStateException("round gave " + r.length + " figures, not " + figures);
                for (int i = 0; i < figures; i++) v[i][n] = r[i];
            }
            boolean settled = true;
            // a figure some run could not give (NaN) asks for no more rounds: it is dropped, not repeated
            for (int i = 0; i < figures && settled; i++) settled = !(new Samples(Arrays.copyOf(v[i], n)).error() > target);
            if (settled) break;
        }
        Samples[] out = new Samples[figures];
        for (int i = 0; i < figures; i++) out[i] = new Samples(Arrays.copyOf(v[i], n));
        return out;
    }
}
