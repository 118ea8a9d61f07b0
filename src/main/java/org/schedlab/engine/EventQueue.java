package org.schedlab.engine;

import java.util.Arrays;

/**
 * A priority queue of events ordered by (time, sequence number): events at the same time pop in the order
 * they were scheduled, so a run is deterministic. Events are primitive (type, a, b) triples stored in
 * parallel arrays; scheduling and popping allocate nothing once the arrays have grown.
 * Events cannot be removed: owners invalidate them with generation numbers carried in {@code b}.
 */
public final class EventQueue {
    private long[] time = new long[1024];
    private long[] seq = new long[1024];
    private int[] type = new int[1024];
    private int[] a = new int[1024];
    private long[] b = new long[1024];
    private int size;
    private long nextSeq;

    // the event most recently popped
    private long curTime;
    private int curType, curA;
    private long curB;

    public int size() { return size; }
    public boolean isEmpty() { return size == 0; }

    public long peekTime() { return size == 0 ? Long.MAX_VALUE : time[0]; }

    public void schedule(long t, int eventType, int argA, long argB) {
        if (size == time.length) grow();
        int i = size++;
        long s = nextSeq++;
        // sift up
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (time[p] < t || (time[p] == t && seq[p] < s)) break;
            move(p, i);
            i = p;
        }
        time[i] = t;
        seq[i] = s;
        type[i] = eventType;
        a[i] = argA;
        b[i] = argB;
    }

    /** Removes the earliest event and makes it readable through {@link #time()}, {@link #type()}, ... */
    public void pop() {
        if (size == 0) throw new IllegalStateException("empty event queue");
        curTime = time[0];
        curType = type[0];
        curA = a[0];
        curB = b[0];
        int last = --size;
        if (last == 0) return;
        long t = time[last], s = seq[last];
        int ty = type[last], aa = a[last];
        long bb = b[last];
        int i = 0;
        int half = last >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            int r = c + 1;
            if (r < last && (time[r] < time[c] || (time[r] == time[c] && seq[r] < seq[c]))) c = r;
            if (t < time[c] || (t == time[c] && s < seq[c])) break;
            move(c, i);
            i = c;
        }
        time[i] = t;
        seq[i] = s;
        type[i] = ty;
        a[i] = aa;
        b[i] = bb;
    }

    public long time() { return curTime; }
    public int type() { return curType; }
    public int a() { return curA; }
    public long b() { return curB; }

    private void move(int from, int to) {
        time[to] = time[from];
        seq[to] = seq[from];
        type[to] = type[from];
        a[to] = a[from];
        b[to] = b[from];
    }

    private void grow() {
        int n = time.length * 2;
        time = Arrays.copyOf(time, n);
        seq = Arrays.copyOf(seq, n);
        type = Arrays.copyOf(type, n);
        a = Arrays.copyOf(a, n);
        b = Arrays.copyOf(b, n);
    }
}
