package org.schedlab.cost;

import org.schedlab.topology.Topology;

import java.util.HashMap;
import java.util.Map;

/**
 * Cache lines written by many CPUs (nohz masks, counters, per-LLC masks). An update costs the transfer from
 * the last writer, serialised behind the other CPUs that wrote the line within the contention window.
 */
public final class SharedLines {
    /** Writes remembered per line (a power of two). */
    private static final int HISTORY = 64;

    private static final class Line {
        final long[] when = new long[HISTORY];
        final int[] who = new int[HISTORY];
        int head, size;
        int lastWriter = -1;
        /** CPUs holding the line as last written (its writer and the CPUs that read it since). */
        final java.util.BitSet holders = new java.util.BitSet();
    }

    private final Map<String, Line> lines = new HashMap<>();
    private final CostModel costs;
    private final Topology topo;

    public SharedLines(CostModel costs, Topology topo) {
        this.costs = costs;
        this.topo = topo;
    }

    /** Cost for {@code cpu} to write {@code name} at {@code now}, and records the write. */
    public long update(String name, int cpu, long now) {
        if (costs.isFree()) return 0;
        Line l = line(name);
        long cost = l.lastWriter < 0 ? costs.lockBaseNs : costs.transferNs(topo, l.lastWriter, cpu);
        cost += queued(l, cpu, now);
        l.holders.clear();
        l.holders.set(cpu);
        l.when[l.head] = now;
        l.who[l.head] = cpu;
        l.head = (l.head + 1) & (HISTORY - 1);
        if (l.size < HISTORY) l.size++;
        l.lastWriter = cpu;
        return cost;
    }

    /**
     * Cost for {@code cpu} to read {@code name} at {@code now}: a cache hit while it still holds the line as last
     * written, else the transfer from the last writer, queued behind the writes of the contention window.
     */
    public long read(String name, int cpu, long now) {
        if (costs.isFree()) return 0;
        Line l = line(name);
        if (l.lastWriter < 0 || l.holders.get(cpu)) return costs.cachedLineNs;
        l.holders.set(cpu);
        return costs.transferNs(topo, l.lastWriter, cpu) + queued(l, cpu, now);
    }

    private Line line(String name) {
        Line l = lines.get(name);
        if (l == null) lines.put(name, l = new Line());
        return l;
    }

    /** The transfers of the line to the other CPUs that wrote it within the contention window, which come first. */
    private long queued(Line l, int cpu, long now) {
        long window = now - costs.sharedLineWindowNs;
        int contenders = 0;
        for (int i = 0; i < l.size; i++) {
            int idx = (l.head - 1 - i) & (HISTORY - 1);
            if (l.when[idx] < window) break;
            if (l.who[idx] != cpu) contenders++;
        }
        return (long) contenders * costs.transferNs(topo, l.lastWriter < 0 ? cpu : l.lastWriter, cpu);
    }
}
