package org.schedlab.topology;

import java.util.Arrays;

/**
 * A fixed-width bit set of CPU ids, the simulator's {@code struct cpumask}.
 * Width is fixed at construction; all binary operations require equal widths.
 * Mutable; {@link #copy()} when a snapshot is needed.
 */
public final class CpuSet {
    private final int nbits;
    private final long[] words;

    public CpuSet(int nbits) {
        if (nbits < 0) throw new IllegalArgumentException("negative width " + nbits);
        this.nbits = nbits;
        this.words = new long[Math.max(1, (nbits + 63) >>> 6)];
    }

    public static CpuSet of(int nbits, int... cpus) {
        CpuSet s = new CpuSet(nbits);
        for (int c : cpus) s.set(c);
        return s;
    }

    public static CpuSet range(int nbits, int from, int toExclusive) {
        CpuSet s = new CpuSet(nbits);
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

    public CpuSet copy() {
        CpuSet s = new CpuSet(nbits);
        System.arraycopy(words, 0, s.words, 0, words.length);
        return s;
    }

    private void check(int cpu) {
        if (cpu < 0 || cpu >= nbits) throw new IndexOutOfBoundsException("cpu " + cpu + " outside 0-" + (nbits - 1));
    }

    public void set(int cpu) { check(cpu); words[cpu >>> 6] |= 1L << cpu; }

    public void clear(int cpu) { check(cpu); words[cpu >>> 6] &= ~(1L << cpu); }

    public void clearAll() { Arrays.fill(words, 0L); }

    /** CPUs 64·i to 64·i+63 as the bits of one word. */
    public long word(int i) { return words[i]; }

    public boolean get(int cpu) {
        return cpu >= 0 && cpu < nbits && (words[cpu >>> 6] & (1L << cpu)) != 0;
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
        int i = from >>> 6;
        long w = words[i] & (-1L << from);
        while (true) {
            if (w != 0) {
                int c = (i << 6) + Long.numberOfTrailingZeros(w);
                return c < nbits ? c : -1;
            }
            if (++i == words.length) return -1;
            w = words[i];
        }
    }

    /** First set bit at or after {@code from}, wrapping around to 0; -1 if empty. */
    public int nextSetBitWrap(int from) {
        if (from >= nbits) from = 0;
        int c = nextSetBit(from);
        return c >= 0 ? c : nextSetBit(0);
    }

    public int first() { return nextSetBit(0); }

    public CpuSet and(CpuSet o) { for (int i = 0; i < words.length; i++) words[i] &= o.words[i]; return this; }

    public CpuSet or(CpuSet o) { for (int i = 0; i < words.length; i++) words[i] |= o.words[i]; return this; }

    public CpuSet andNot(CpuSet o) { for (int i = 0; i < words.length; i++) words[i] &= ~o.words[i]; return this; }

    public boolean intersects(CpuSet o) {
        for (int i = 0; i < words.length; i++) if ((words[i] & o.words[i]) != 0) return true;
        return false;
    }

    /** True if every bit of {@code o} is set here. */
    public boolean containsAll(CpuSet o) {
        for (int i = 0; i < words.length; i++) if ((o.words[i] & ~words[i]) != 0) return false;
        return true;
    }

    public int[] toArray() {
        int[] a = new int[cardinality()];
        int k = 0;
        for (int c = nextSetBit(0); c >= 0; c = nextSetBit(c + 1)) a[k++] = c;
        return a;
    }

    @Override public boolean equals(Object o) {
        return o instanceof CpuSet && ((CpuSet) o).nbits == nbits && Arrays.equals(words, ((CpuSet) o).words);
    }

    @Override public int hashCode() { return Arrays.hashCode(words) * 31 + nbits; }

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
