package org.schedlab.engine;

import java.util.Arrays;

/**
 * A priority queue (a 4-ary heap) of events ordered by time, then by the order they were scheduled, so a run is
 * deterministic. Events are primitive (type, a, b) triples stored in parallel arrays; scheduling and popping
 * allocate nothing once the arrays have grown. An owner that re-arms one kind of event over and over (a CPU's run
 * completion, its tick) holds a slot ({@link #newSlot}): re-arming a slot moves its pending event, cancelling drops
 * it, so no stale event is left to pop. A re-armed event takes its place among events at the same instant as if it
 * had been scheduled anew. Other events cannot be removed: owners invalidate them with generation numbers carried
 * in {@code b}.
 * <p>
 * Time and a 20-bit sequence number are packed into one 64-bit key, so one comparison orders two events;
 * times must stay below {@link #MAX_TIME} (about 2.4 hours). Before the sequence number would wrap, the
 * waiting events are renumbered in their current order, so events at one instant always pop first in, first out.
 */
public final class EventQueue {
    private static final int SEQ_BITS = 20;
    private static final long SEQ_MASK = (1L << SEQ_BITS) - 1;
    /** Largest schedulable time in ns. */
    public static final long MAX_TIME = (1L << (63 - SEQ_BITS)) - 1;

    private long[] key = new long[1024];
    private int[] type = new int[1024];
    private int[] a = new int[1024];
    private long[] b = new long[1024];
    /** Per heap entry: its slot, or -1. */
    private int[] slotOf = new int[1024];
    /** Per slot: the heap index of its pending event, or -1. */
    private int[] slotPos = new int[16];
    private int nrSlots;
    private int size;
    private long nextSeq;

    // the event most recently popped
    private long curTime;
    private int curType, curA;
    private long curB;

    public int size() { return size; }
    public boolean isEmpty() { return size == 0; }

    public long peekTime() { return size == 0 ? Long.MAX_VALUE : key[0] >>> SEQ_BITS; }

    /** Schedules an event; one beyond {@link #MAX_TIME}, past the end of any run, is never due and is dropped. */
    public void schedule(long t, int eventType, int argA, long argB) {
        insert(t, eventType, argA, argB, -1);
    }

    /** A new slot with nothing pending. */
    public int newSlot() {
        if (nrSlots == slotPos.length) slotPos = Arrays.copyOf(slotPos, nrSlots * 2);
        slotPos[nrSlots] = -1;
        return nrSlots++;
    }

    /**
     * Schedules the slot's event, replacing the one it had pending: a pending event is given its new key where it
     * stands and moved up or down from there, which pops in the same order as dropping it and scheduling anew.
     */
    public void schedule(int slot, long t, int eventType, int argA, long argB) {
        int i = slotPos[slot];
        if (i < 0 || t < 0 || t > MAX_TIME) {
            cancel(slot);
            insert(t, eventType, argA, argB, slot);
            return;
        }
        if (nextSeq > SEQ_MASK) renumber();
        long k = (t << SEQ_BITS) | nextSeq++;
        if (i > 0 && k < key[(i - 1) >>> 2]) siftUp(i, k, eventType, argA, argB, slot);
        else siftDown(i, k, eventType, argA, argB, slot, size);
    }

    /** The slot has an event pending. */
    public boolean pending(int slot) { return slotPos[slot] >= 0; }

    /** Drops the slot's pending event, if any. */
    public void cancel(int slot) {
        int i = slotPos[slot];
        if (i < 0) return;
        slotPos[slot] = -1;
        int last = --size;
        if (i == last) return;
        long k = key[last];
        int ty = type[last], aa = a[last], s = slotOf[last];
        long bb = b[last];
        if (i > 0 && k < key[(i - 1) >>> 2]) siftUp(i, k, ty, aa, bb, s);
        else siftDown(i, k, ty, aa, bb, s, last);
    }

    private void insert(long t, int eventType, int argA, long argB, int slot) {
        if (t < 0) throw new IllegalArgumentException("event time " + t + " is negative");
        if (t > MAX_TIME) return;
        if (size == key.length) grow();
        if (nextSeq > SEQ_MASK) renumber();
        long k = (t << SEQ_BITS) | nextSeq++;
        siftUp(size++, k, eventType, argA, argB, slot);
    }

    /** Places the entry at or above heap index {@code i}. */
    private void siftUp(int i, long k, int ty, int aa, long bb, int s) {
        while (i > 0) {
            int p = (i - 1) >>> 2;
            if (key[p] < k) break;
            move(p, i);
            i = p;
        }
        put(i, k, ty, aa, bb, s);
    }

    /** Places the entry at or below heap index {@code i}, in a heap of {@code n} entries. */
    private void siftDown(int i, long k, int ty, int aa, long bb, int s, int n) {
        while (true) {
            int c = (i << 2) + 1;
            if (c >= n) break;
            // smallest of up to four children
            int end = Math.min(c + 4, n);
            int m = c;
            long km = key[c];
            for (int j = c + 1; j < end; j++) {
                if (key[j] < km) {
                    km = key[j];
                    m = j;
                }
            }
            if (k < km) break;
            move(m, i);
            i = m;
        }
        put(i, k, ty, aa, bb, s);
    }

    private void move(int from, int to) {
        key[to] = key[from];
        type[to] = type[from];
        a[to] = a[from];
        b[to] = b[from];
        int s = slotOf[from];
        slotOf[to] = s;
        if (s >= 0) slotPos[s] = to;
    }

    private void put(int i, long k, int ty, int aa, long bb, int s) {
        key[i] = k;
        type[i] = ty;
        a[i] = aa;
        b[i] = bb;
        slotOf[i] = s;
        if (s >= 0) slotPos[s] = i;
    }

    /** Removes the earliest event and makes it readable through {@link #time()}, {@link #type()}, ... */
    public void pop() {
        if (size == 0) throw new IllegalStateException("empty event queue");
        curTime = key[0] >>> SEQ_BITS;
        curType = type[0];
        curA = a[0];
        curB = b[0];
        if (slotOf[0] >= 0) slotPos[slotOf[0]] = -1;
        int last = --size;
        if (last == 0) return;
        siftDown(0, key[last], type[last], a[last], b[last], slotOf[last], last);
    }

    public long time() { return curTime; }
    public int type() { return curType; }
    public int a() { return curA; }
    public long b() { return curB; }

    /** Gives the waiting events sequence numbers 0..size-1 in their order; the heap order is unchanged. */
    private void renumber() {
        Integer[] idx = new Integer[size];
        for (int i = 0; i < size; i++) idx[i] = i;
        Arrays.sort(idx, (x, y) -> Long.compare(key[x], key[y]));
        for (int r = 0; r < size; r++) key[idx[r]] = (key[idx[r]] & ~SEQ_MASK) | r;
        nextSeq = size;
    }

    private void grow() {
        int n = key.length * 2;
        key = Arrays.copyOf(key, n);
        type = Arrays.copyOf(type, n);
        a = Arrays.copyOf(a, n);
        b = Arrays.copyOf(b, n);
        slotOf = Arrays.copyOf(slotOf, n);
    }
}
