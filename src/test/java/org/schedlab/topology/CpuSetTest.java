package org.schedlab.topology;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.BitSet;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CpuSet against java.util.BitSet: whatever window each set holds (the whole width, or only from its first to its
 * last CPU), every operation gives the bits, and equals and hashCode the values, of the dense sets.
 */
class CpuSetTest {
    /** A set of {@code n} bits holding {@code bits}, built the way {@code kind} says. */
    private static CpuSet make(int kind, int n, BitSet bits) {
        CpuSet s;
        switch (kind) {
            case 0: s = new CpuSet(n); break;
            case 1: s = CpuSet.sparse(n); break;
            default: s = CpuSet.of(n, bits.stream().toArray()); return s;
        }
        // set from the top down as well as up, so the window grows both ways
        int[] b = bits.stream().toArray();
        for (int i = 0; i < b.length; i++) s.set(b[(i % 2 == 0) ? i / 2 : b.length - 1 - i / 2]);
        return s;
    }

    private static BitSet random(Random r, int n) {
        BitSet b = new BitSet(n);
        int lo = r.nextInt(n), hi = lo + r.nextInt(n - lo);
        int k = r.nextInt(6);
        for (int i = 0; i < k; i++) b.set(lo + r.nextInt(hi - lo + 1));
        if (r.nextInt(4) == 0) b.set(lo, hi + 1);
        return b;
    }

    private static void same(CpuSet s, BitSet b, int n) {
        assertThat(s.cardinality()).isEqualTo(b.cardinality());
        assertThat(s.isEmpty()).isEqualTo(b.isEmpty());
        for (int from : new int[]{-3, 0, 1, 63, 64, 65, n / 2, n - 1, n, n + 5}) {
            int expected = from >= n ? -1 : b.nextSetBit(Math.max(0, from));
            assertThat(s.nextSetBit(from)).as("nextSetBit(%d)", from).isEqualTo(expected >= n ? -1 : expected);
        }
        for (int c = -1; c <= n; c++) assertThat(s.get(c)).isEqualTo(c >= 0 && b.get(c));
        assertThat(s.toArray()).containsExactly(b.stream().toArray());
        CpuSet dense = new CpuSet(n);
        b.stream().forEach(dense::set);
        assertThat(s).isEqualTo(dense);
        assertThat(dense).isEqualTo(s);
        assertThat(s.hashCode()).isEqualTo(dense.hashCode());
        assertThat(s.toString()).isEqualTo(dense.toString());
    }

    @Property(tries = 300)
    void everyWindowBehavesLikeTheWholeWidth(@ForAll @IntRange(min = 1, max = 400) int n, @ForAll long seed,
                                             @ForAll @Size(min = 2, max = 2) List<@IntRange(min = 0, max = 2) Integer> kinds) {
        Random r = new Random(seed);
        BitSet a = random(r, n), b = random(r, n);
        CpuSet x = make(kinds.get(0), n, a), y = make(kinds.get(1), n, b);
        same(x, a, n);
        same(y, b, n);
        assertThat(x.intersects(y)).isEqualTo(a.intersects(b));
        assertThat(x.containsAll(y)).isEqualTo(b.stream().allMatch(a::get));
        BitSet or = (BitSet) a.clone(), and = (BitSet) a.clone(), andNot = (BitSet) a.clone();
        or.or(b);
        and.and(b);
        andNot.andNot(b);
        same(x.copy().or(y), or, n);
        same(x.copy().and(y), and, n);
        same(x.copy().andNot(y), andNot, n);
        CpuSet cleared = x.copy();
        int c = r.nextInt(n);
        cleared.clear(c);
        BitSet clearedBits = (BitSet) a.clone();
        clearedBits.clear(c);
        same(cleared, clearedBits, n);
        if (!a.isEmpty()) {
            int from = r.nextInt(n);
            int wrap = a.nextSetBit(from) >= 0 ? a.nextSetBit(from) : a.nextSetBit(0);
            assertThat(x.nextSetBitWrap(from)).isEqualTo(wrap);
        }
        CpuSet all = x.copy();
        all.clearAll();
        same(all, new BitSet(), n);
    }

    @Property(tries = 50)
    void rangesAndFullSets(@ForAll @IntRange(min = 1, max = 300) int n, @ForAll @IntRange(min = 0, max = 299) int from,
                           @ForAll @IntRange(min = 0, max = 300) int to) {
        int lo = Math.min(from, n - 1), hi = Math.min(Math.max(lo, to), n);
        BitSet b = new BitSet();
        b.set(lo, hi);
        same(CpuSet.range(n, lo, hi), b, n);
        BitSet full = new BitSet();
        full.set(0, n);
        same(CpuSet.full(n), full, n);
    }
}
