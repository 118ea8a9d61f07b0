package org.schedlab.engine;

import java.nio.charset.StandardCharsets;

/**
 * A deterministic random stream (xoshiro256**, seeded through SplitMix64). Streams are derived from the run
 * seed and a name, so adding a stream never changes the draws of another.
 */
public final class Rng {
    private long s0, s1, s2, s3;
    private double nextGaussian = Double.NaN;

    public Rng(long seed) {
        long x = seed;
        s0 = splitmix(x += 0x9E3779B97F4A7C15L);
        s1 = splitmix(x += 0x9E3779B97F4A7C15L);
        s2 = splitmix(x += 0x9E3779B97F4A7C15L);
        s3 = splitmix(x + 0x9E3779B97F4A7C15L);
    }

    /** The stream called {@code name} of run seed {@code seed}. */
    public static Rng stream(long seed, String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b;
            h *= 0x100000001b3L;
        }
        return new Rng(splitmix(seed ^ h) ^ h);
    }

    /** A child stream, e.g. one per task: {@code stream(seed, "task").derive(index)}. */
    public Rng derive(long index) {
        return new Rng(splitmix(s0 ^ splitmix(index + 0x632BE59BD9B4E019L)));
    }

    private static long splitmix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** Uniform in [0, 1). */
    public double nextDouble() { return (nextLong() >>> 11) * 0x1.0p-53; }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound " + bound);
        return (int) (((nextLong() >>> 33) * bound) >>> 31);
    }

    public double nextGaussian() {
        if (!Double.isNaN(nextGaussian)) {
            double g = nextGaussian;
            nextGaussian = Double.NaN;
            return g;
        }
        double u, v, s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double m = Math.sqrt(-2 * Math.log(s) / s);
        nextGaussian = v * m;
        return u * m;
    }
}
