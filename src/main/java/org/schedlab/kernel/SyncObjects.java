package org.schedlab.kernel;

import org.schedlab.workload.Op;
import org.schedlab.workload.WorkloadSpec;

import java.util.ArrayDeque;
import java.util.ArrayList;

/**
 * The workload's synchronisation objects: counting channels (pipe, futex, semaphore), mutexes with FIFO
 * hand-off, condition variables and barriers. Waiters are woken in FIFO order through try_to_wake_up from
 * the CPU of the task that releases them. Each blocking operation returns true when the task blocked.
 */
final class SyncObjects {
    private final Machine m;
    private final WorkloadSpec wl;
    private final int[] chanCount;
    private final ArrayDeque<Task>[] chanWaiters;
    final Task[] mutexOwner;
    private final ArrayDeque<Task>[] mutexWaiters;
    private final ArrayDeque<Task>[] condWaiters;
    private final int[] barrierArrived;
    private final ArrayList<Task>[] barrierWaiters;

    @SuppressWarnings("unchecked")
    SyncObjects(Machine m) {
        this.m = m;
        this.wl = m.wl;
        chanCount = new int[wl.channels];
        chanWaiters = new ArrayDeque[wl.channels];
        for (int i = 0; i < wl.channels; i++) chanWaiters[i] = new ArrayDeque<>();
        mutexOwner = new Task[wl.mutexes];
        mutexWaiters = new ArrayDeque[wl.mutexes];
        for (int i = 0; i < wl.mutexes; i++) mutexWaiters[i] = new ArrayDeque<>();
        condWaiters = new ArrayDeque[wl.conds];
        for (int i = 0; i < wl.conds; i++) condWaiters[i] = new ArrayDeque<>();
        barrierArrived = new int[wl.barrierParties.length];
        barrierWaiters = new ArrayList[wl.barrierParties.length];
        for (int i = 0; i < barrierWaiters.length; i++) barrierWaiters[i] = new ArrayList<>();
    }

    /** Takes a unit from channel {@code ch}, or blocks {@code t} until one is signalled. */
    boolean down(Task t, int c, int ch) {
        if (chanCount[ch] > 0) {
            chanCount[ch]--;
            return false;
        }
        chanWaiters[ch].add(t);
        m.core.block(t, c, Core.BLOCK_CHANNEL);
        return true;
    }

    /** Wakes one waiter (or all), or remembers the unit when nobody waits; a broadcast is not remembered. */
    void up(Op.Signal s, int c) {
        ArrayDeque<Task> w = chanWaiters[s.channel];
        if (s.all) {
            while (!w.isEmpty()) m.wakeup.tryToWakeUp(w.poll(), c, s.sync);
        } else if (!w.isEmpty()) {
            m.wakeup.tryToWakeUp(w.poll(), c, s.sync);
        } else {
            chanCount[s.channel]++;
        }
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
        if (++barrierArrived[b] >= wl.barrierParties[b]) {
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
