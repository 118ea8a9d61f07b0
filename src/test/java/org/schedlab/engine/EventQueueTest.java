package org.schedlab.engine;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

import static org.assertj.core.api.Assertions.assertThat;

/** The event queue pops in (time, scheduling order), exactly like a reference priority queue. */
class EventQueueTest {
    @Property(tries = 200)
    void popsInTimeThenSchedulingOrder(@ForAll @LongRange(min = 0, max = 1_000_000) long seed,
                                       @ForAll @IntRange(min = 1, max = 3000) int ops) {
        check(seed, ops);
    }

    /** Across the sequence-number renumbering: two million events, ties at every instant. */
    @net.jqwik.api.Example
    void staysFirstInFirstOutAcrossRenumbering() {
        check(7, 2_200_000);
    }

    private static void check(long seed, int ops) {
        Rng r = new Rng(seed);
        EventQueue q = new EventQueue();
        PriorityQueue<long[]> ref = new PriorityQueue<>(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        long seq = 0, now = 0;
        List<Long> got = new ArrayList<>(), want = new ArrayList<>();
        for (int i = 0; i < ops; i++) {
            if (ref.isEmpty() || r.nextInt(3) > 0) {
                // few distinct times, so ties are common
                long t = now + r.nextInt(50);
                q.schedule(t, (int) (seq & 7), (int) seq, seq);
                ref.add(new long[]{t, seq});
                seq++;
            } else {
                q.pop();
                long[] e = ref.poll();
                got.add(q.b());
                want.add(e[1]);
                assertThat(q.time()).isEqualTo(e[0]);
                now = q.time();
            }
        }
        assertThat(got).isEqualTo(want);
        assertThat(q.size()).isEqualTo(ref.size());
    }

    /**
     * Slots: re-arming moves a slot's pending event (it then pops as if scheduled anew), cancelling drops it; plain
     * events around them keep their order. The reference keeps every event and skips the superseded ones.
     */
    @Property(tries = 200)
    void aReArmedSlotPopsOnceWhereAFreshEventWould(@ForAll @LongRange(min = 0, max = 1_000_000) long seed,
                                                   @ForAll @IntRange(min = 1, max = 3000) int ops) {
        Rng r = new Rng(seed);
        EventQueue q = new EventQueue();
        int[] slots = {q.newSlot(), q.newSlot(), q.newSlot()};
        // reference entries: time, sequence, slot (-1 plain); a slot's live entry is the one with its latest sequence
        PriorityQueue<long[]> ref = new PriorityQueue<>(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        long[] live = {-1, -1, -1};
        long seq = 0, now = 0;
        List<Long> got = new ArrayList<>(), want = new ArrayList<>();
        for (int i = 0; i < ops; i++) {
            int op = r.nextInt(6);
            if (op <= 1) {
                long t = now + r.nextInt(50);
                q.schedule(t, 1, -1, seq);
                ref.add(new long[]{t, seq++, -1});
            } else if (op <= 3) {
                int s = r.nextInt(3);
                long t = now + r.nextInt(50);
                q.schedule(slots[s], t, 2, s, seq);
                live[s] = seq;
                ref.add(new long[]{t, seq++, s});
            } else if (op == 4) {
                int s = r.nextInt(3);
                q.cancel(slots[s]);
                live[s] = -1;
            } else {
                long[] e;
                do {
                    e = ref.poll();
                } while (e != null && e[2] >= 0 && live[(int) e[2]] != e[1]);
                if (e == null) {
                    assertThat(q.isEmpty()).isTrue();
                    continue;
                }
                if (e[2] >= 0) live[(int) e[2]] = -1;
                q.pop();
                got.add(q.b());
                want.add(e[1]);
                assertThat(q.time()).isEqualTo(e[0]);
                now = q.time();
            }
        }
        long pending = ref.stream().filter(e -> e[2] < 0 || live[(int) e[2]] == e[1]).count();
        assertThat(got).isEqualTo(want);
        assertThat(q.size()).isEqualTo(pending);
    }
}
