package org.schedlab.topology;

import java.util.Arrays;

/**
 * A fixed-width bit set of CPU ids, the simulator's {@code struct cpumask}.
 * Width is fixed at construction; all binary operations require equal widths.
 * Mutable; {@link #copy()} when a snapshot is needed.
 *
 * <p>A set holds the words of one window of the width: all of it for {@code new CpuSet(n)}, only the words from its
 * lowest to its highest CPU for {@link #of}, {@link #range} and {@link #sparse} sets, so that the one-CPU and
 * one-core sets of a machine of 65536 CPUs take a few words each. The window grows as bits are set outside it;
 * nothing but memory depends on it.
 */
public final class CpuSet {
    private final int nbits;
    /** Index of the first word held; words before and after the window are zero. */
    private int base;
    private long[] words;

    public CpuSet(int nbits) {
        this(nbits, 0, new long[Math.max(1, (checkWidth(nbits) + 63) >>> 6)]);
    }

    private CpuSet(int nbits, int base, long[] words) {
        this.nbits = nbits;
        this.base = base;
        this.words = words;
    }

    private static int checkWidth(int nbits) {
        if (nbits < 0) throw new IllegalArgumentException("negative width " + nbits);
        return nbits;
    }

    /** An empty set holding no words yet: for sets that stay small in a wide machine. */
    public static CpuSet sparse(int nbits) { return new CpuSet(checkWidth(nbits), 0, new long[0]); }

    public static CpuSet of(int nbits, int... cpus) {
        CpuSet s = sparse(nbits);
        for (int c : cpus) s.set(c);
        return s;
    }

    public static CpuSet range(int nbits, int from, int toExclusive) {
        CpuSet s = sparse(nbits);
        for (int c = from; c < toExclusive; c++) s.set(c);
        return s;
    }

    public static CpuSet full(int nbits) {
        return range(nbits, 0, nbits);
    }

    /** Parses a Linux cpulist ("0-3,8,10-11"). Ids must be below {@code nbits}. */
    public static CpuSet parseList(int nbits, String list) {
        CpuSet s = new CpuSet(nbits);
        String t = list.trim();
        if (t.isEmpty()) return s;
        for (String part : t.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            int dash = p.indexOf('-');
            int lo, hi;
            try {
                if (dash < 0) {
                    lo = hi = Integer.parseInt(p);
                } else {
                    lo = Integer.parseInt(p.substring(0, dash).trim());
                    hi = Integer.parseInt(p.substring(dash + 1).trim());
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a cpu list: '" + list + "'");
            }
            if (lo < 0 || hi < lo || hi >= nbits)
                throw new IllegalArgumentException("cpu range '" + p + "' outside 0-" + (nbits - 1));
            for (int c = lo; c <= hi; c++) s.set(c);
        }
        return s;
    }

    public int width() { return nbits; }

    public CpuSet copy() { return new CpuSet(nbits, base, words.clone()); }

    private void check(int cpu) {
        if (cpu < 0 || cpu >= nbits) throw new IndexOutOfBoundsException("cpu " + cpu + " outside 0-" + (nbits - 1));
    }

    /** Word {@code i} of the whole width. */
    public long word(int i) {
        int k = i - base;
        return k >= 0 && k < words.length ? words[k] : 0L;
    }

    /** Grows the window to hold words {@code lo} to {@code hi} inclusive, doubling it toward them. */
    private void hold(int lo, int hi) {
        int end = base + words.length;
        if (words.length > 0 && lo >= base && hi < end) return;
        int total = Math.max(1, (nbits + 63) >>> 6);
        int newLo = words.length == 0 ? lo : Math.min(base, lo), newHi = words.length == 0 ? hi : Math.max(end - 1, hi);
        int grow = words.length;
        if (newLo < base) newLo = Math.max(0, Math.min(newLo, base - grow));
        if (newHi >= end && words.length > 0) newHi = Math.min(total - 1, Math.max(newHi, end - 1 + grow));
        long[] w = new long[newHi - newLo + 1];
        if (words.length > 0) System.arraycopy(words, 0, w, base - newLo, words.length);
        base = newLo;
        words = w;
    }

    public void set(int cpu) {
        check(cpu);
        int i = cpu >>> 6;
        hold(i, i);
        words[i - base] |= 1L << cpu;
    }

    public void clear(int cpu) {
        check(cpu);
        int k = (cpu >>> 6) - base;
        if (k >= 0 && k < words.length) words[k] &= ~(1L << cpu);
    }

    public void clearAll() { Arrays.fill(words, 0L); }

    public boolean get(int cpu) {
        if (cpu < 0 || cpu >= nbits) return false;
        int k = (cpu >>> 6) - base;
        return k >= 0 && k < words.length && (words[k] & (1L << cpu)) != 0;
    }

    public int cardinality() {
        int n = 0;
        for (long w : words) n += Long.bitCount(w);
        return n;
    }

    public boolean isEmpty() {
        for (long w : words) if (w != 0) return false;
        return true;
    }

    /** First set bit at or after {@code from}, or -1. */
    public int nextSetBit(int from) {
        if (from < 0) from = 0;
        if (from >= nbits) return -1;
        int k = (from >>> 6) - base;
        long w;
        if (k < 0) {
            k = 0;
            if (words.length == 0) return -1;
            w = words[0];
        } else {
            if (k >= words.length) return -1;
            w = words[k] & (-1L << from);
        }
        while (true) {
            if (w != 0) {
                int c = ((base + k) << 6) + Long.numberOfTrailingZeros(w);
                return c < nbits ? c : -1;
            }
            if (++k == words.length) return -1;
            w = words[k];
        }
    }

    /** First set bit at or after {@code from}, wrapping around to 0; -1 if empty. */
    public int nextSetBitWrap(int from) {
        if (from >= nbits) from = 0;
        int c = nextSetBit(from);
        return c >= 0 ? c : nextSetBit(0);
    }

    public int first() { return nextSetBit(0); }

    private boolean sameWindow(CpuSet o) { return o.base == base && o.words.length == words.length; }

    public CpuSet and(CpuSet o) {
        if (sameWindow(o)) {
            for (int i = 0; i < words.length; i++) words[i] &= o.words[i];
        } else {
            for (int i = 0; i < words.length; i++) words[i] &= o.word(base + i);
        }
        return this;
    }

    public CpuSet or(CpuSet o) {
        if (sameWindow(o)) {
            for (int i = 0; i < words.length; i++) words[i] |= o.words[i];
            return this;
        }
        int lo = -1, hi = -1;
        for (int j = 0; j < o.words.length; j++)
            if (o.words[j] != 0) {
                if (lo < 0) lo = j;
                hi = j;
            }
        if (lo < 0) return this;
        hold(o.base + lo, o.base + hi);
        for (int j = lo; j <= hi; j++) words[o.base + j - base] |= o.words[j];
        return this;
    }

    public CpuSet andNot(CpuSet o) {
        if (sameWindow(o)) {
            for (int i = 0; i < words.length; i++) words[i] &= ~o.words[i];
        } else {
            for (int i = 0; i < words.length; i++) words[i] &= ~o.word(base + i);
        }
        return this;
    }

    public boolean intersects(CpuSet o) {
        int lo = Math.max(base, o.base), hi = Math.min(base + words.length, o.base + o.words.length);
        for (int i = lo; i < hi; i++) if ((words[i - base] & o.words[i - o.base]) != 0) return true;
        return false;
    }

    /** True if every bit of {@code o} is set here. */
    public boolean containsAll(CpuSet o) {
        if (o == this) return true;
        for (int j = 0; j < o.words.length; j++)
            if ((o.words[j] & ~word(o.base + j)) != 0) return false;
        return true;
    }

    public int[] toArray() {
        int[] a = new int[cardinality()];
        int k = 0;
        for (int c = nextSetBit(0); c >= 0; c = nextSetBit(c + 1)) a[k++] = c;
        return a;
    }

    @Override public boolean equals(Object o) {
        if (o == this) return true;
        if (!(o instanceof CpuSet) || ((CpuSet) o).nbits != nbits) return false;
        CpuSet x = (CpuSet) o;
        if (sameWindow(x)) return Arrays.equals(words, x.words);
        int lo = Math.min(base, x.base), hi = Math.max(base + words.length, x.base + x.words.length);
        for (int i = lo; i < hi; i++) if (word(i) != x.word(i)) return false;
        return true;
    }

    /** The hash of the whole width's words (as {@link Arrays#hashCode(long[])} of them), whatever the window. */
    @Override public int hashCode() {
        int h = 1;
        for (int i = 0, total = Math.max(1, (nbits + 63) >>> 6); i < total; i++) {
            long e = word(i);
            h = 31 * h + (int) (e ^ (e >>> 32));
        }
        return h * 31 + nbits;
    }

    /** Linux cpulist form, e.g. "0-15,128-143". */
    @Override public String toString() {
        StringBuilder sb = new StringBuilder();
        int c = nextSetBit(0);
        while (c >= 0) {
            int end = c;
            while (end + 1 < nbits && get(end + 1)) end++;
            if (sb.length() > 0) sb.append(',');
            sb.append(c);
            if (end > c) sb.append('-').append(end);
            c = nextSetBit(end + 1);
        }
        return sb.toString();
    }
}
