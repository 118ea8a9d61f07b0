package org.schedlab.kernel;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * rq->cfs_tasks: the runqueue's tasks, the running one included, from the least recently run (the tail, where the
 * balancer starts) to the most recently run (the head). A task joins at the head when enqueued and moves there when
 * picked (list_move in set_next_task_fair). An intrusive list, as the kernel's: add, remove and move are O(1); a
 * walk from the tail by index costs one step per index when it goes on from where it stopped.
 */
final class CfsTasks implements Iterable<Task> {
    private Task tail, head;
    private int size;
    /** The last position looked up by index, to go on from. */
    private Task cursor;
    private int cursorIndex = -1;

    int size() { return size; }

    boolean contains(Task t) { return t.cfsList == this; }

    /** Adds the task at the head (the most recently run end). */
    void add(Task t) {
        t.cfsList = this;
        t.cfsNext = null;
        t.cfsPrev = head;
        if (head != null) head.cfsNext = t;
        else tail = t;
        head = t;
        size++;
        cursorIndex = -1;
    }

    void remove(Task t) {
        if (t.cfsList != this) return;
        if (t.cfsPrev != null) t.cfsPrev.cfsNext = t.cfsNext;
        else tail = t.cfsNext;
        if (t.cfsNext != null) t.cfsNext.cfsPrev = t.cfsPrev;
        else head = t.cfsPrev;
        t.cfsPrev = t.cfsNext = null;
        t.cfsList = null;
        size--;
        cursorIndex = -1;
    }

    /** The task moves to the head: it was just picked to run. */
    void moveToHead(Task t) {
        if (head == t) return;
        remove(t);
        add(t);
    }

    /** The task {@code index} places from the tail (0 = least recently run). */
    Task get(int index) {
        if (index < 0 || index >= size) throw new IndexOutOfBoundsException(index + " of " + size);
        Task t;
        int i;
        if (cursorIndex >= 0 && cursorIndex <= index) {
            t = cursor;
            i = cursorIndex;
        } else {
            t = tail;
            i = 0;
        }
        for (; i < index; i++) t = t.cfsNext;
        cursor = t;
        cursorIndex = index;
        return t;
    }

    /** From the tail to the head. */
    @Override public Iterator<Task> iterator() {
        return new Iterator<>() {
            private Task next = tail;

            @Override public boolean hasNext() { return next != null; }

            @Override public Task next() {
                if (next == null) throw new NoSuchElementException();
                Task t = next;
                next = t.cfsNext;
                return t;
            }
        };
    }
}
