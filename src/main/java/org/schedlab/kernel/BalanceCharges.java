package org.schedlab.kernel;

import org.schedlab.metrics.Recorder;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Balancing work charged by kind ("periodic", "newidle", "push", ...): the counters of what was done
 * ({@code rq_scans.KIND}, {@code remote_locks.KIND}, ...) and the overhead in ns, each kind looked up once per
 * charge. Counters are created on first use even for 0, as the recorder does; cells fetched before the recorder
 * restarts (the end of warm-up) are dropped.
 */
final class BalanceCharges {
    static final int SCANS = 0, LOCKS = 1, MIGRATIONS = 2, ACTIVE = 3, IPIS = 4, LINES = 5;
    private static final String[] COUNTER = {"rq_scans.", "remote_locks.", "migrations.", "active_balance.", "ipis.",
            "shared_line_updates."};

    private final Recorder rec;
    private final CpuTime time;
    private final Map<String, Kind> kinds = new HashMap<>();

    BalanceCharges(Recorder rec, CpuTime time) {
        this.rec = rec;
        this.time = time;
    }

    /** The kind looked up last: charges come in runs of one kind, under the same string. */
    private String lastName;
    private Kind last;

    Kind of(String kind) {
        if (kind == lastName) return last;
        Kind k = kinds.get(kind);
        if (k == null) kinds.put(kind, k = new Kind(kind));
        lastName = kind;
        last = k;
        return k;
    }

    /** The cells of one kind. */
    final class Kind {
        private final String kind;
        private final long[][] counters = new long[COUNTER.length][];
        private long[] overhead;
        private int generation = rec.generation();

        private Kind(String kind) { this.kind = kind; }

        private void refresh() {
            if (generation == rec.generation()) return;
            generation = rec.generation();
            Arrays.fill(counters, null);
            overhead = null;
        }

        void count(int which, long delta) {
            refresh();
            long[] c = counters[which];
            if (c == null) counters[which] = c = rec.countCell(COUNTER[which] + kind);
            c[0] += delta;
        }

        /** Occupies {@code cpu} for {@code ns} of balancing work of this kind. */
        void charge(int cpu, long ns) {
            if (ns <= 0) return;
            refresh();
            if (overhead == null) overhead = rec.overheadCell(kind);
            time.chargeBalance(cpu, ns, kind, overhead);
        }
    }
}
