package org.schedlab.kernel;

/**
 * The live tasks of one template in the order they were created, as an intrusive list: a task joins at the end
 * when created and leaves in O(1) when it exits.
 */
final class TemplateTasks {
    private Task head, tail;
    private int size;

    boolean isEmpty() { return size == 0; }

    int size() { return size; }

    /** The first live task (the earliest created), or null; the next is {@code t.liveNext}. */
    Task first() { return head; }

    void add(Task t) {
        t.livePrev = tail;
        t.liveNext = null;
        if (tail != null) tail.liveNext = t;
        else head = t;
        tail = t;
        size++;
    }

    void remove(Task t) {
        if (t.livePrev != null) t.livePrev.liveNext = t.liveNext;
        else head = t.liveNext;
        if (t.liveNext != null) t.liveNext.livePrev = t.livePrev;
        else tail = t.livePrev;
        t.livePrev = t.liveNext = null;
        size--;
    }
}
