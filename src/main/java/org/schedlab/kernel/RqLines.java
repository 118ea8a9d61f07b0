package org.schedlab.kernel;

import org.schedlab.cost.CostModel;
import org.schedlab.topology.Topology;

/**
 * Which CPUs hold a copy of which runqueues' statistics lines: a balancer re-reading a runqueue unchanged since
 * its last read finds the lines in its own cache. Kept both ways as bit matrices — the readers of each runqueue
 * (to drop their copies when it is written) and the runqueues each CPU holds (to price a pass over many runqueues
 * a word of 64 CPUs at a time). Both are stored word-major (row {@code w} holds, for every CPU, its word {@code w}),
 * so a pass marking many runqueues read, and a write dropping many readers' copies, touch consecutive words.
 */
final class RqLines {
    private final int words;
    /** Word {@code w} of the CPUs holding runqueue {@code i}'s lines, at {@code w * nrCpus + i}. */
    private final long[] readers;
    /** Word {@code w} of the runqueues whose lines CPU {@code r} holds, at {@code w * nrCpus + r}. */
    private final long[] holds;
    private final int nrCpus;
    /** Per runqueue: which words of its readers' row are not zero. */
    private final long[] readerWords;
    private final int summaryWords;
    private final CostModel costs;
    private final Topology topo;
    /** Per core, LLC and package id: its CPUs as words (the distance classes of a line transfer). */
    private final long[][] coreWords, llcWords, packageWords;

    RqLines(int nrCpus, CostModel costs, Topology topo) {
        this.words = (nrCpus + 63) >>> 6;
        this.nrCpus = nrCpus;
        this.readers = new long[nrCpus * words];
        this.holds = new long[nrCpus * words];
        this.summaryWords = (words + 63) >>> 6;
        this.readerWords = new long[nrCpus * summaryWords];
        this.costs = costs;
        this.topo = topo;
        coreWords = new long[topo.nrCores()][];
        llcWords = new long[topo.nrLlcs()][];
        packageWords = new long[topo.nrPackages()][];
        for (int c = 0; c < nrCpus; c++) {
            set(coreWords, topo.coreOf(c), c);
            set(llcWords, topo.llcOf(c), c);
            set(packageWords, topo.packageOf(c), c);
        }
    }

    private void set(long[][] byId, int id, int cpu) {
        if (byId[id] == null) byId[id] = new long[words];
        byId[id][cpu >>> 6] |= 1L << cpu;
    }

    int words() { return words; }

    /** CPU {@code reader} reads runqueue {@code target}'s lines; returns whether it already held them. */
    boolean scan(int reader, int target) {
        int at = (reader >>> 6) * nrCpus + target;
        long bit = 1L << reader;
        if ((readers[at] & bit) != 0) return true;
        readers[at] |= bit;
        holds[(target >>> 6) * nrCpus + reader] |= 1L << target;
        readerWords[target * summaryWords + (reader >>> 12)] |= 1L << (reader >>> 6);
        return false;
    }

    /** Runqueue {@code target}'s statistics lines were written: every copy is invalid. */
    void changed(int target) {
        long clear = ~(1L << target);
        int holdsRow = (target >>> 6) * nrCpus;
        for (int s = 0; s < summaryWords; s++) {
            long nonZero = readerWords[target * summaryWords + s];
            if (nonZero == 0) continue;
            readerWords[target * summaryWords + s] = 0;
            while (nonZero != 0) {
                int w = (s << 6) + Long.numberOfTrailingZeros(nonZero);
                nonZero &= nonZero - 1;
                long bits = readers[w * nrCpus + target];
                readers[w * nrCpus + target] = 0;
                while (bits != 0) {
                    int r = (w << 6) + Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                    holds[holdsRow + r] &= clear;
                }
            }
        }
    }

    /**
     * Reads by CPU {@code reader} of the runqueues in the words {@code mask[0..n)}, which are words
     * {@code wordIdx[0..n)} of a CPU set: their lines become its own, and the cost is what reading them one by one
     * costs — nothing for its own, a cached line for those it holds, a stat gather across the distance for the
     * others. {@code out[0]} gets the number read.
     */
    long readAll(int reader, int[] wordIdx, long[] mask, int n, long[] out) {
        long[] core = coreWords[topo.coreOf(reader)], llc = llcWords[topo.llcOf(reader)], pkg = packageWords[topo.packageOf(reader)];
        int rw = reader >>> 6;
        long self = 1L << reader;
        long cached = 0, nCore = 0, nLlc = 0, nPkg = 0, nRemote = 0;
        int repCore = -1, repLlc = -1, repPkg = -1, repRemote = -1;
        long read = 0;
        for (int j = 0; j < n; j++) {
            int w = wordIdx[j];
            long m = mask[j];
            read += Long.bitCount(m);
            if (w == rw) m &= ~self;
            long held = holds[w * nrCpus + reader];
            cached += Long.bitCount(m & held);
            long u = m & ~held;
            if (u == 0) continue;
            holds[w * nrCpus + reader] = held | u;
            // transferNs's order: same core, else same LLC, else same package, else remote
            long uCore = u & core[w], uLlc = u & llc[w] & ~uCore, uPkg = u & pkg[w] & ~uCore & ~uLlc;
            long uRemote = u & ~uCore & ~uLlc & ~uPkg;
            if (uCore != 0) { nCore += Long.bitCount(uCore); if (repCore < 0) repCore = (w << 6) + Long.numberOfTrailingZeros(uCore); }
            if (uLlc != 0) { nLlc += Long.bitCount(uLlc); if (repLlc < 0) repLlc = (w << 6) + Long.numberOfTrailingZeros(uLlc); }
            if (uPkg != 0) { nPkg += Long.bitCount(uPkg); if (repPkg < 0) repPkg = (w << 6) + Long.numberOfTrailingZeros(uPkg); }
            if (uRemote != 0) { nRemote += Long.bitCount(uRemote); if (repRemote < 0) repRemote = (w << 6) + Long.numberOfTrailingZeros(uRemote); }
            long bit = 1L << reader, wordBit = 1L << rw;
            int summary = rw >>> 6, readersRow = rw * nrCpus;
            while (u != 0) {
                int t = (w << 6) + Long.numberOfTrailingZeros(u);
                u &= u - 1;
                readers[readersRow + t] |= bit;
                readerWords[t * summaryWords + summary] |= wordBit;
            }
        }
        out[0] = read;
        long ns = cached * costs.cachedLineNs;
        if (nCore > 0) ns += nCore * costs.statGatherNs(topo, reader, repCore);
        if (nLlc > 0) ns += nLlc * costs.statGatherNs(topo, reader, repLlc);
        if (nPkg > 0) ns += nPkg * costs.statGatherNs(topo, reader, repPkg);
        if (nRemote > 0) ns += nRemote * costs.statGatherNs(topo, reader, repRemote);
        return ns;
    }
}
