package org.schedlab.kernel;

import java.util.Arrays;

/**
 * The hrtimers armed on one CPU (sleeps of the tasks that blocked there), earliest first: what the idle
 * governor looks at to decide whether the tick may stop. Cancelled timers are dropped lazily, when they reach
 * the head. No allocation once grown.
 */
final class TimerQueue {
    private long[] expiry = new long[8];
    private int[] pid = new int[8];
    private int size;

    void add(long at, int p) {
        if (size == expiry.length) {
            expiry = Arrays.copyOf(expiry, size * 2);
            pid = Arrays.copyOf(pid, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (expiry[parent] <= at) break;
            expiry[i] = expiry[parent];
            pid[i] = pid[parent];
            i = parent;
        }
        expiry[i] = at;
        pid[i] = p;
    }

    boolean isEmpty() { return size == 0; }

    long headExpiry() { return expiry[0]; }

    int headPid() { return pid[0]; }

    void pop() {
        long at = expiry[--size];
        int p = pid[size];
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) break;
            int r = l + 1;
            int min = r < size && expiry[r] < expiry[l] ? r : l;
            if (expiry[min] >= at) break;
            expiry[i] = expiry[min];
            pid[i] = pid[min];
            i = min;
        }
        if (size > 0) {
            expiry[i] = at;
            pid[i] = p;
        }
    }
}
