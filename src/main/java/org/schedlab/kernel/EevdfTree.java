package org.schedlab.kernel;

/**
 * cfs_rq->tasks_timeline: the queued entities other than the running one, ordered by virtual deadline
 * (__entity_less), each subtree knowing its entity of least vruntime (the min_vruntime augmentation), so
 * __pick_eevdf finds the eligible entity of earliest deadline in O(log n) by pruning subtrees with no eligible
 * entity. A balanced (AVL) tree intrusive in {@link Task}. Of two equal deadlines the one inserted later goes right
 * of the other, as rb_add places it (so the earlier inserted is picked first); the least vruntime among equals is
 * likewise the earlier inserted.
 */
final class EevdfTree {
    private Task root;
    private int size;
    /** Insertion order ({@link Task#eSeq}). */
    private long nextSeq;

    int size() { return size; }

    boolean contains(Task t) { return t.eevdfTree == this; }

    /** __enqueue_entity: the entity's deadline, vruntime and place in cfs_tasks must not change while it is here. */
    void insert(Task t) {
        t.eevdfTree = this;
        t.eSeq = nextSeq++;
        t.eLeft = t.eRight = null;
        t.eHeight = 1;
        t.eMin = t;
        root = insert(root, t);
        size++;
    }

    /** __dequeue_entity. */
    void remove(Task t) {
        if (t.eevdfTree != this) return;
        root = remove(root, t);
        t.eevdfTree = null;
        t.eLeft = t.eRight = t.eMin = null;
        size--;
    }

    /** The entity of least vruntime (the first in cfs_tasks among equals), or null when empty. */
    Task minVruntime() { return root == null ? null : root.eMin; }

    /**
     * The eligible entity of earliest deadline, or null if none is eligible: down the tree, into the left subtree
     * whenever its least vruntime is eligible, else this entity if eligible, else right (__pick_eevdf's heap
     * search).
     */
    Task earliestEligible(Cpu rq) {
        Task node = root;
        while (node != null) {
            Task left = node.eLeft;
            if (left != null && Eevdf.eligible(rq, left.eMin)) {
                node = left;
                continue;
            }
            if (Eevdf.eligible(rq, node)) return node;
            node = node.eRight;
        }
        return null;
    }

    /** __entity_less, equal deadlines in insertion order. */
    private static boolean before(Task a, Task b) {
        return a.deadline < b.deadline || a.deadline == b.deadline && a.eSeq < b.eSeq;
    }

    /** Least vruntime, then insertion order. */
    private static Task lesserVruntime(Task a, Task b) {
        if (b == null) return a;
        return a.vruntime < b.vruntime || a.vruntime == b.vruntime && a.eSeq < b.eSeq ? a : b;
    }

    private static int height(Task t) { return t == null ? 0 : t.eHeight; }

    private static void update(Task t) {
        t.eHeight = 1 + Math.max(height(t.eLeft), height(t.eRight));
        Task min = t;
        if (t.eLeft != null) min = lesserVruntime(t.eLeft.eMin, min);
        if (t.eRight != null) min = lesserVruntime(min, t.eRight.eMin);
        t.eMin = min;
    }

    private static Task insert(Task node, Task t) {
        if (node == null) return t;
        if (before(t, node)) node.eLeft = insert(node.eLeft, t);
        else node.eRight = insert(node.eRight, t);
        return balance(node);
    }

    private static Task remove(Task node, Task t) {
        if (node == t) {
            if (t.eLeft == null) return t.eRight;
            if (t.eRight == null) return t.eLeft;
            // the next entity in order takes its place
            Task next = t.eRight;
            while (next.eLeft != null) next = next.eLeft;
            next.eRight = removeFirst(t.eRight);
            next.eLeft = t.eLeft;
            return balance(next);
        }
        if (before(t, node)) node.eLeft = remove(node.eLeft, t);
        else node.eRight = remove(node.eRight, t);
        return balance(node);
    }

    private static Task removeFirst(Task node) {
        if (node.eLeft == null) return node.eRight;
        node.eLeft = removeFirst(node.eLeft);
        return balance(node);
    }

    private static Task balance(Task n) {
        update(n);
        int b = height(n.eLeft) - height(n.eRight);
        if (b > 1) {
            if (height(n.eLeft.eLeft) < height(n.eLeft.eRight)) n.eLeft = rotateLeft(n.eLeft);
            return rotateRight(n);
        }
        if (b < -1) {
            if (height(n.eRight.eRight) < height(n.eRight.eLeft)) n.eRight = rotateRight(n.eRight);
            return rotateLeft(n);
        }
        return n;
    }

    private static Task rotateRight(Task n) {
        Task l = n.eLeft;
        n.eLeft = l.eRight;
        l.eRight = n;
        update(n);
        update(l);
        return l;
    }

    private static Task rotateLeft(Task n) {
        Task r = n.eRight;
        n.eRight = r.eLeft;
        r.eLeft = n;
        update(n);
        update(r);
        return r;
    }
}
