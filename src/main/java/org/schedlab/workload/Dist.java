package org.schedlab.workload;

import org.schedlab.cost.CostModel;
import org.schedlab.cost.Syscall;
import org.schedlab.engine.Rng;

/** A distribution of non-negative nanosecond values, sampled from a caller-supplied random stream. */
public abstract class Dist {
    public abstract long sample(Rng rng);

    /** A sample on a machine whose cost profile is {@code costs}: the same as {@link #sample(Rng)} unless priced. */
    public long sample(Rng rng, CostModel costs) { return sample(rng); }

    /** Mean of the distribution in ns (used for summaries and closed forms). */
    public abstract double mean();

    public static Dist constant(long ns) {
        if (ns < 0) throw new IllegalArgumentException("negative duration " + ns);
        return new Dist() {
            @Override public long sample(Rng rng) { return ns; }
            @Override public double mean() { return ns; }
            @Override public String toString() { return "det:" + ns + "ns"; }
        };
    }

    public static Dist exp(double meanNs) {
        return new Dist() {
            @Override public long sample(Rng rng) { return Math.round(-meanNs * Math.log(1.0 - rng.nextDouble())); }
            @Override public double mean() { return meanNs; }
            @Override public String toString() { return "exp:" + (long) meanNs + "ns"; }
        };
    }

    public static Dist uniform(long lo, long hi) {
        return new Dist() {
            @Override public long sample(Rng rng) { return lo + (long) (rng.nextDouble() * (hi - lo)); }
            @Override public double mean() { return (lo + hi) / 2.0; }
            @Override public String toString() { return "uniform:" + lo + "ns-" + hi + "ns"; }
        };
    }

    /** Log-normal with the given median (ns) and sigma of the underlying normal. */
    public static Dist lognormal(double medianNs, double sigma) {
        double mu = Math.log(medianNs);
        return new Dist() {
            @Override public long sample(Rng rng) { return Math.round(Math.exp(mu + sigma * rng.nextGaussian())); }
            @Override public double mean() { return Math.exp(mu + sigma * sigma / 2); }
            @Override public String toString() { return "lognormal:" + (long) medianNs + "ns," + sigma; }
        };
    }

    /** Syscall work priced by the machine's cost profile; outside a machine, by the built-in profile. */
    public static Dist syscall(Syscall op, long bytes) {
        return syscall(op, bytes, 1, 0);
    }

    /**
     * Priced syscall work times {@code scale}, drawn uniformly within ±{@code spread} of that from one call to the
     * next ({@code spread} 0: exactly that).
     */
    public static Dist syscall(Syscall op, long bytes, double scale, double spread) {
        if (bytes < 0) throw new IllegalArgumentException("negative size " + bytes);
        if (!(scale >= 0) || !(spread >= 0 && spread <= 1)) throw new IllegalArgumentException("scale " + scale + ", spread " + spread);
        return new Priced(op, bytes, scale, spread);
    }

    /** The sum of {@code parts}, each drawn on its own (e.g. two syscalls in a row). */
    public static Dist plus(Dist... parts) {
        Dist[] ps = parts.clone();
        return new Dist() {
            @Override public long sample(Rng rng) {
                long ns = 0;
                for (Dist d : ps) ns += d.sample(rng);
                return ns;
            }
            @Override public long sample(Rng rng, CostModel costs) {
                long ns = 0;
                for (Dist d : ps) ns += d.sample(rng, costs);
                return ns;
            }
            @Override public double mean() {
                double m = 0;
                for (Dist d : ps) m += d.mean();
                return m;
            }
            @Override public String toString() {
                StringBuilder b = new StringBuilder();
                for (Dist d : ps) b.append(b.length() == 0 ? "" : "+").append(d);
                return b.toString();
            }
        };
    }

    /** Work whose duration comes from the cost profile of the machine that runs it ({@link CostModel#syscallNs}). */
    private static final class Priced extends Dist {
        private static final CostModel BUILTIN = CostModel.defaults();
        private final Syscall op;
        private final long bytes;
        private final double scale, spread;
        private final long builtinNs;
        /** The price on the last profile asked for (profiles are not changed once a machine runs on them). */
        private Price last;

        private record Price(CostModel costs, long ns) {}

        private Priced(Syscall op, long bytes, double scale, double spread) {
            this.op = op;
            this.bytes = bytes;
            this.scale = scale;
            this.spread = spread;
            this.builtinNs = BUILTIN.syscallNs(op, bytes);
        }

        @Override public long sample(Rng rng) { return draw(rng, builtinNs); }
        @Override public long sample(Rng rng, CostModel costs) {
            Price p = last;
            if (p == null || p.costs != costs) last = p = new Price(costs, costs.syscallNs(op, bytes));
            return draw(rng, p.ns);
        }

        private long draw(Rng rng, long priceNs) {
            long ns = scale == 1 ? priceNs : Math.round(priceNs * scale);
            if (spread == 0) return ns;
            long lo = Math.round(ns * (1 - spread)), hi = Math.round(ns * (1 + spread));
            return lo + (long) (rng.nextDouble() * (hi - lo));
        }

        @Override public double mean() { return builtinNs * scale; }
        @Override public String toString() {
            return op.label + ":" + bytes + "B" + (scale == 1 ? "" : "x" + scale) + (spread == 0 ? "" : "±" + spread);
        }
    }
}
