package org.schedlab.kernel;

import org.schedlab.workload.Op;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * The workload's synchronisation objects: counting channels (pipe, futex, semaphore), mutexes with FIFO
 * hand-off, condition variables and barriers. Waiters are woken in FIFO order through try_to_wake_up from
 * the CPU of the task that releases them. Each blocking operation returns true when the task blocked.
 * Bounded buffers model a unix socket's send-buffer memory and a pipe's pages: a writer blocks while the buffer
 * is full and retries when woken; a release at or below the wake level wakes the writers.
 */
final class SyncObjects {
    private final Machine m;
    private final int[] chanCount;
    /** The last time a task stamped each channel (a shared mark start), -1 before any. */
    private final long[] chanStamp;
    /** Each channel's waiters, first to last, linked through {@link Task#chanNext}. */
    private final Task[] chanFirst, chanLast;
    final Task[] mutexOwner;
    private final ArrayDeque<Task>[] mutexWaiters;
    private final ArrayDeque<Task>[] condWaiters;
    private final int[] barrierArrived;
    private final ArrayList<Task>[] barrierWaiters;
    private final int[] bufferUsed, bufferLastCpu;
    private final ArrayDeque<Task>[] bufferWaiters;
    /** Per locked buffer: the times its mutex is held, as (start, end, CPU) triples in time order. */
    private final long[][] bufferHeld;
    private final int[] bufferHeldCount;

    @SuppressWarnings("unchecked")
    SyncObjects(Machine m) {
        this.m = m;
        chanCount = new int[m.wl.channels];
        chanStamp = new long[m.wl.channels];
        java.util.Arrays.fill(chanStamp, -1);
        chanFirst = new Task[m.wl.channels];
        chanLast = new Task[m.wl.channels];
        mutexOwner = new Task[m.wl.mutexes];
        mutexWaiters = new ArrayDeque[m.wl.mutexes];
        for (int i = 0; i < m.wl.mutexes; i++) mutexWaiters[i] = new ArrayDeque<>();
        condWaiters = new ArrayDeque[m.wl.conds];
        for (int i = 0; i < m.wl.conds; i++) condWaiters[i] = new ArrayDeque<>();
        barrierArrived = new int[m.wl.barrierParties.length];
        barrierWaiters = new ArrayList[m.wl.barrierParties.length];
        for (int i = 0; i < barrierWaiters.length; i++) barrierWaiters[i] = new ArrayList<>();
        int nb = m.wl.bufferCapacity.length;
        bufferUsed = new int[nb];
        bufferLastCpu = new int[nb];
        Arrays.fill(bufferLastCpu, -1);
        bufferWaiters = new ArrayDeque[nb];
        for (int i = 0; i < nb; i++) bufferWaiters[i] = new ArrayDeque<>();
        bufferHeld = new long[nb][];
        bufferHeldCount = new int[nb];
        for (int i = 0; i < nb; i++) if (m.wl.bufferLocked[i]) bufferHeld[i] = new long[3 * 8];
    }

    /**
     * Takes a slot of buffer {@code b}, or blocks {@code t} (true) while it is full: sock_alloc_send_pskb() waits
     * in sock_wait_for_wmem() while sk_wmem_alloc ≥ sk_sndbuf; pipe_write() while the pipe is full.
     */
    boolean reserve(Task t, int c, int b) {
        if (!m.wl.bufferLocked[b]) chargeRemote(c, b);
        if (bufferUsed[b] >= m.wl.bufferCapacity[b]) {
            bufferWaiters[b].add(t);
            m.core.block(t, c, Core.BLOCK_CHANNEL);
            return true;
        }
        bufferUsed[b]++;
        return false;
    }

    /**
     * Returns a slot of buffer {@code b}: sock_wfree() → unix_write_space() wakes every writer once
     * unix_writable() (wmem ≤ sndbuf/4); pipe_read() wakes a writer when it empties a page of a full pipe.
     */
    void release(int c, int b) {
        if (!m.wl.bufferLocked[b]) chargeRemote(c, b);
        if (bufferUsed[b] > 0) bufferUsed[b]--;
        ArrayDeque<Task> w = bufferWaiters[b];
        if (w.isEmpty() || bufferUsed[b] > m.wl.bufferWakeLevel[b]) return;
        if (m.wl.bufferWakeAll[b]) while (!w.isEmpty()) m.wakeup.tryToWakeUp(w.poll(), c, true);
        else m.wakeup.tryToWakeUp(w.poll(), c, true);
    }

    /**
     * Reserves locked buffer {@code b}'s mutex for an operation of {@code workNs} by CPU {@code c} arriving at
     * {@code arrive}: the first time from then at which the mutex is free for the operation and the transfer of the
     * buffer's lines from the CPU holding the mutex before it. Returns that time; the lines' cost goes to
     * {@code t.sectionLinesNs}. First come, first served, as a spinner queues on the mutex (osq_lock()).
     */
    long reserveMutex(Task t, int c, int b, long arrive, long workNs) {
        long[] held = bufferHeld[b];
        int n = bufferHeldCount[b];
        // the holds that ended are forgotten; the last one's CPU is where the lines are
        int keep = 0;
        while (keep < n && held[3 * keep + 1] <= m.now) {
            bufferLastCpu[b] = (int) held[3 * keep + 2];
            keep++;
        }
        if (keep > 0) {
            System.arraycopy(held, 3 * keep, held, 0, 3 * (n - keep));
            n -= keep;
        }
        long start = arrive;
        int prev = bufferLastCpu[b];
        int at = 0;
        for (; at < n; at++) {
            if (start + linesNs(prev, c) + workNs <= held[3 * at]) break;
            if (held[3 * at + 1] > start) start = held[3 * at + 1];
            prev = (int) held[3 * at + 2];
        }
        long lines = linesNs(prev, c);
        if (3 * (n + 1) > held.length) bufferHeld[b] = held = Arrays.copyOf(held, held.length * 2);
        System.arraycopy(held, 3 * at, held, 3 * at + 3, 3 * (n - at));
        held[3 * at] = start;
        held[3 * at + 1] = start + lines + workNs;
        held[3 * at + 2] = c;
        bufferHeldCount[b] = n + 1;
        t.sectionLinesNs = lines;
        return start;
    }

    /** A spinner gives up its place on buffer {@code b}'s mutex: its reservation from {@code start} is dropped. */
    void cancelMutex(int b, long start) {
        long[] held = bufferHeld[b];
        int n = bufferHeldCount[b];
        for (int i = 0; i < n; i++) {
            if (held[3 * i] != start) continue;
            System.arraycopy(held, 3 * i + 3, held, 3 * i, 3 * (n - i - 1));
            bufferHeldCount[b] = n - 1;
            return;
        }
    }

    /** Whether buffer {@code b}'s mutex is booked for CPU {@code c} from {@code start}. */
    boolean booked(int b, long start, int c) {
        long[] held = bufferHeld[b];
        for (int i = 0; i < bufferHeldCount[b]; i++) if (held[3 * i] == start && held[3 * i + 2] == c) return true;
        return false;
    }

    /** The next hold of buffer {@code b}'s mutex to end after now (its holder's unlock), or -1 if it is free. */
    int nextUnlock(int b) {
        long[] held = bufferHeld[b];
        int n = bufferHeldCount[b];
        for (int i = 0; i < n; i++) if (held[3 * i + 1] > m.now) return i;
        return -1;
    }

    /** When hold {@code i} of buffer {@code b}'s mutex ends, and on which CPU. */
    long unlockTime(int b, int i) { return bufferHeld[b][3 * i + 1]; }

    int unlockCpu(int b, int i) { return (int) bufferHeld[b][3 * i + 2]; }

    /** The transfer of a buffer's lines to CPU {@code c} from CPU {@code last} (-1: nobody used it yet). */
    private long linesNs(int last, int c) {
        return last == c ? 0 : m.costs.ipcRemoteNs(m.topo, last, c);
    }

    /** The buffer's lines (queue, lock, accounting) come from the CPU that used it last. */
    private void chargeRemote(int c, int b) {
        int last = bufferLastCpu[b];
        bufferLastCpu[b] = c;
        m.time.chargeKernel(c, linesNs(last, c), CpuTime.KK_IPC_REMOTE);
    }

    /** Takes a unit from channel {@code ch}, or blocks {@code t} until one is signalled. */
    boolean down(Task t, int c, int ch) {
        if (chanCount[ch] > 0) {
            chanCount[ch]--;
            return false;
        }
        t.chanNext = null;
        if (chanFirst[ch] == null) chanFirst[ch] = t;
        else chanLast[ch].chanNext = t;
        chanLast[ch] = t;
        m.core.block(t, c, Core.BLOCK_CHANNEL);
        return true;
    }

    /** Takes a unit of {@code ch} if one is there, without blocking. */
    boolean take(int ch) {
        if (chanCount[ch] == 0) return false;
        chanCount[ch]--;
        return true;
    }

    void stamp(int channel, long now) { chanStamp[channel] = now; }

    long stampOf(int channel) { return chanStamp[channel]; }

    /** Wakes one waiter (or all), or remembers the unit when nobody waits; a broadcast is not remembered. */
    void up(Op.Signal s, int c) {
        int ch = s.channel;
        if (s.all) {
            while (chanFirst[ch] != null) m.wakeup.tryToWakeUp(pollWaiter(ch), c, s.sync);
        } else if (chanFirst[ch] != null) {
            m.wakeup.tryToWakeUp(pollWaiter(ch), c, s.sync, s.currentCpu);
        } else {
            chanCount[ch]++;
        }
    }

    private Task pollWaiter(int ch) {
        Task t = chanFirst[ch];
        chanFirst[ch] = t.chanNext;
        if (t.chanNext == null) chanLast[ch] = null;
        t.chanNext = null;
        return t;
    }

    boolean lock(Task t, int c, int mutex) {
        if (mutexOwner[mutex] == null) {
            mutexOwner[mutex] = t;
            return false;
        }
        mutexWaiters[mutex].add(t);
        m.core.block(t, c, Core.BLOCK_MUTEX);
        return true;
    }

    /** Hands the mutex to its first waiter, if {@code t} holds it. */
    void unlock(int mutex, Task t, int c) {
        if (mutexOwner[mutex] != t) return;
        Task next = mutexWaiters[mutex].poll();
        mutexOwner[mutex] = next;
        if (next != null) m.wakeup.tryToWakeUp(next, c, false);
    }

    /** Releases the mutex (if held) and blocks on the condition; always blocks. */
    void condWait(Task t, int c, Op.CondWait cw) {
        if (mutexOwner[cw.mutex] == t) unlock(cw.mutex, t, c);
        t.condMutex = cw.mutex;
        condWaiters[cw.cond].add(t);
        m.core.block(t, c, Core.BLOCK_COND);
    }

    void condSignal(Op.CondSignal cs, int c) {
        ArrayDeque<Task> w = condWaiters[cs.cond];
        if (cs.all) while (!w.isEmpty()) condWake(w.poll(), c);
        else if (!w.isEmpty()) condWake(w.poll(), c);
    }

    /** A signalled waiter retakes its mutex: it wakes if the mutex is free, else queues on the mutex. */
    private void condWake(Task w, int c) {
        int mutex = w.condMutex;
        if (mutex >= 0 && mutexOwner[mutex] != null && mutexOwner[mutex] != w) {
            w.blockedOn = Core.BLOCK_MUTEX;
            mutexWaiters[mutex].add(w);
            return;
        }
        if (mutex >= 0) mutexOwner[mutex] = w;
        m.wakeup.tryToWakeUp(w, c, false);
    }

    /** Arrives at barrier {@code b}: the last party wakes the others and goes on; the others block. */
    boolean barrier(Task t, int c, int b) {
        if (++barrierArrived[b] >= m.wl.barrierParties[b]) {
            barrierArrived[b] = 0;
            ArrayList<Task> w = barrierWaiters[b];
            for (int i = 0; i < w.size(); i++) m.wakeup.tryToWakeUp(w.get(i), c, false);
            w.clear();
            return false;
        }
        barrierWaiters[b].add(t);
        m.core.block(t, c, Core.BLOCK_BARRIER);
        return true;
    }
}
