package org.schedlab.metrics;

/**
 * Per-CPU busy fraction over time in a bounded number of buckets (for heatmaps). Bucket width doubles, merging
 * pairs, whenever the run outgrows the buckets, so memory stays at {@code buckets × cpus} whatever the length.
 */
public final class CpuTimeline {
    private final int nrCpus;
    private final int buckets;
    private long bucketNs;
    private long[][] busy;   // [cpu][bucket] busy ns
    private final long start;
    private final int[] lastBucket;

    public CpuTimeline(int nrCpus, int buckets, long start, long initialBucketNs) {
        this.nrCpus = nrCpus;
        this.buckets = buckets;
        this.start = start;
        this.bucketNs = Math.max(1, initialBucketNs);
        this.busy = new long[nrCpus][buckets];
        this.lastBucket = new int[nrCpus];
    }

    /** Adds a busy interval [from, to) of {@code cpu}. */
    public void busy(int cpu, long from, long to) {
        if (to <= from) return;
        long[] row = busy[cpu];
        int cb = lastBucket[cpu];
        long cbStart = start + cb * bucketNs;
        if (from >= cbStart && to <= cbStart + bucketNs) {
            row[cb] += to - from;
            return;
        }
        while (to - start > bucketNs * buckets) widen();
        long t = from;
        while (t < to) {
            int b = (int) ((t - start) / bucketNs);
            long end = Math.min(to, start + (b + 1) * bucketNs);
            busy[cpu][b] += end - t;
            lastBucket[cpu] = b;
            t = end;
        }
    }

    private void widen() {
        for (int c = 0; c < nrCpus; c++) {
            long[] row = busy[c];
            for (int b = 0; b < buckets / 2; b++) row[b] = row[2 * b] + row[2 * b + 1];
            for (int b = buckets / 2; b < buckets; b++) row[b] = 0;
        }
        bucketNs *= 2;
        java.util.Arrays.fill(lastBucket, 0);
    }

    public long bucketNs() { return bucketNs; }
    public long start() { return start; }
    public int nrCpus() { return nrCpus; }

    /** Utilisation of each bucket in [0,1] up to {@code end}. */
    public double[][] utilisation(long end) {
        int used = (int) Math.min(buckets, Math.max(1, (end - start + bucketNs - 1) / bucketNs));
        double[][] u = new double[nrCpus][used];
        for (int c = 0; c < nrCpus; c++)
            for (int b = 0; b < used; b++) {
                long width = Math.min(bucketNs, end - (start + b * bucketNs));
                u[c][b] = width <= 0 ? 0 : Math.min(1.0, busy[c][b] / (double) width);
            }
        return u;
    }
}
