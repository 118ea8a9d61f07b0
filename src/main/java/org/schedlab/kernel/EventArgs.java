package org.schedlab.kernel;

import java.util.Arrays;

/**
 * Two long arguments per pending event that does not fit the event's own payload, held in numbered slots.
 * A slot is freed when its event is handled and slots are reused first in, first out; once the store has
 * grown to the largest number of events pending at once it allocates nothing.
 */
final class EventArgs {
    private long[] x = new long[16], y = new long[16];
    private int size;
    private int[] free = new int[16];   // ring of free slot numbers
    private int freeHead, freeCount;

    /** Stores (x, y) in a free slot and returns its number. */
    int put(long a, long b) {
        int i;
        if (freeCount == 0) {
            i = size++;
            if (i == x.length) {
                x = Arrays.copyOf(x, 2 * i);
                y = Arrays.copyOf(y, 2 * i);
            }
        } else {
            i = free[freeHead];
            freeHead = (freeHead + 1) % free.length;
            freeCount--;
        }
        x[i] = a;
        y[i] = b;
        return i;
    }

    long x(int slot) { return x[slot]; }

    long y(int slot) { return y[slot]; }

    /** The slot's event has been handled. */
    void release(int slot) {
        if (freeCount == free.length) {
            int[] grown = new int[2 * free.length];
            for (int k = 0; k < freeCount; k++) grown[k] = free[(freeHead + k) % free.length];
            free = grown;
            freeHead = 0;
        }
        free[(freeHead + freeCount) % free.length] = slot;
        freeCount++;
    }
}
