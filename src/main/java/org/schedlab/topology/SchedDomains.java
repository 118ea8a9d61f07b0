package org.schedlab.topology;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.schedlab.topology.SchedDomain.*;

/**
 * The sched-domain hierarchy of a machine, built the way the kernel's topology code builds it: the x86 level
 * table (SMT, CLS, MC, PKG) followed by the NUMA levels derived from node distances, sd_init defaults, groups
 * from child spans (overlapping groups at NUMA levels), degeneration of levels that add nothing, the
 * allowed NUMA imbalance, and the per-CPU shortcuts (sd_llc, sd_numa, llc ids).
 */
public final class SchedDomains {
    /** node_reclaim_distance: 30 generically, 32 on AMD Zen. */
    public static final int RECLAIM_DISTANCE = 30, RECLAIM_DISTANCE_AMD_ZEN = 32;

    private final Topology topo;
    private final SchedDomain[][] domains;   // [cpu][level], bottom-up
    private final SchedDomain[] sdLlc, sdNuma, sdAsymCpuCapacity, sdAsymPacking;
    private final int[] llcId, llcSize;
    private final List<String> levelNames;

    private SchedDomains(Topology topo, SchedDomain[][] domains) {
        this.topo = topo;
        this.domains = domains;
        int n = topo.nrCpus();
        sdLlc = new SchedDomain[n];
        sdNuma = new SchedDomain[n];
        sdAsymCpuCapacity = new SchedDomain[n];
        sdAsymPacking = new SchedDomain[n];
        llcId = new int[n];
        llcSize = new int[n];
        TreeSet<String> names = new TreeSet<>();
        List<String> ordered = new ArrayList<>();
        for (int cpu = 0; cpu < n; cpu++) {
            for (SchedDomain sd : domains[cpu]) {
                if (sd.has(SD_SHARE_LLC)) sdLlc[cpu] = sd;
                if (sd.has(SD_NUMA) && sdNuma[cpu] == null) sdNuma[cpu] = sd;
                if (sd.has(SD_ASYM_CPUCAPACITY) && sdAsymCpuCapacity[cpu] == null) sdAsymCpuCapacity[cpu] = sd;
                if (sd.has(SD_ASYM_PACKING)) sdAsymPacking[cpu] = sd;   // highest_flag_domain
                if (names.add(sd.name)) ordered.add(sd.name);
            }
            llcId[cpu] = sdLlc[cpu] != null ? sdLlc[cpu].span.first() : cpu;
            llcSize[cpu] = sdLlc[cpu] != null ? sdLlc[cpu].spanWeight : 1;
        }
        levelNames = List.copyOf(ordered);
    }

    public Topology topology() { return topo; }
    public int nrCpus() { return topo.nrCpus(); }

    /** The domains of {@code cpu}, lowest first. */
    public SchedDomain[] of(int cpu) { return domains[cpu]; }
    public SchedDomain base(int cpu) { return domains[cpu].length > 0 ? domains[cpu][0] : null; }
    public SchedDomain sdLlc(int cpu) { return sdLlc[cpu]; }
    public SchedDomain sdNuma(int cpu) { return sdNuma[cpu]; }
    public SchedDomain sdAsymCpuCapacity(int cpu) { return sdAsymCpuCapacity[cpu]; }
    /** sd_asym_packing: the highest domain of {@code cpu} with SD_ASYM_PACKING, or null. */
    public SchedDomain sdAsymPacking(int cpu) { return sdAsymPacking[cpu]; }
    /** First CPU of the CPU's LLC domain ({@code sd_llc_id}). */
    public int llcId(int cpu) { return llcId[cpu]; }
    public int llcSize(int cpu) { return llcSize[cpu]; }
    public boolean cpusShareCache(int a, int b) { return llcId[a] == llcId[b]; }

    /** Names of all levels present on any CPU, lowest first. */
    public List<String> levelNames() { return levelNames; }

    /** The lowest domain of {@code cpu} whose span contains {@code other}, or null. */
    public SchedDomain lowestSpanning(int cpu, int other) {
        for (SchedDomain sd : domains[cpu]) if (sd.span.get(other)) return sd;
        return null;
    }

    /** Level name at which a task moving between two CPUs crosses, e.g. "MC"; "same" when a == b. */
    public String migrationLevel(int from, int to) {
        if (from == to) return "same";
        SchedDomain sd = lowestSpanning(from, to);
        return sd == null ? "none" : sd.name;
    }

    // ---------------------------------------------------------------------------------------- building

    private static final class Level {
        final String name;
        final int topoFlags;
        final int numaDistance;
        final CpuSet[] spanOf;     // per cpu, interned
        CpuSet[] singles;          // one-CPU sets, lowest level only
        final Map<CpuSet, List<CpuSet>> partitions = new IdentityHashMap<>();

        Level(String name, int topoFlags, int numaDistance, CpuSet[] spanOf) {
            this.name = name;
            this.topoFlags = topoFlags;
            this.numaDistance = numaDistance;
            this.spanOf = spanOf;
        }
    }

    private static final class Raw {
        final Level level;
        final int index;
        final CpuSet span;
        int flags;
        int imbalancePct = 117, cacheNiceTries;
        int nrGroups;
        int imbNumaNr;
        Raw parent, child;
        final int rawChildIndex;

        Raw(Level level, int index, CpuSet span, int rawChildIndex) {
            this.level = level;
            this.index = index;
            this.span = span;
            this.rawChildIndex = rawChildIndex;
        }
    }

    public static SchedDomains build(Topology topo) {
        return build(topo, reclaimDistance(topo));
    }

    /**
     * node_reclaim_distance: init_amd_zen_common sets 32 on AMD Zen (family 0x17 and later); earlier AMD
     * families (K10 0x10, Bulldozer 0x15) and other vendors keep RECLAIM_DISTANCE, 30 (Hygon included: init_hygon
     * does not change it). An AMD part whose family the source does not give is taken as Zen.
     */
    public static int reclaimDistance(Topology topo) {
        if (!"AMD".equals(topo.vendor())) return RECLAIM_DISTANCE;
        return topo.cpuFamily() < 0 || topo.cpuFamily() >= 0x17 ? RECLAIM_DISTANCE_AMD_ZEN : RECLAIM_DISTANCE;
    }

    public static SchedDomains build(Topology topo, int nodeReclaimDistance) {
        int n = topo.nrCpus();
        List<Level> levels = levels(topo);

        // raw hierarchy per cpu, with the group count each level would have
        Raw[][] raw = new Raw[n][];
        for (int cpu = 0; cpu < n; cpu++) {
            raw[cpu] = new Raw[levels.size()];
            Raw prev = null;
            for (int li = 0; li < levels.size(); li++) {
                Level l = levels.get(li);
                Raw r = new Raw(l, li, l.spanOf[cpu], li - 1);
                sdInit(r, topo, nodeReclaimDistance);
                r.child = prev;
                if (prev != null) prev.parent = r;
                raw[cpu][li] = r;
                prev = r;
            }
        }
        for (int cpu = 0; cpu < n; cpu++)
            for (int li = 0; li < levels.size(); li++)
                raw[cpu][li].nrGroups = groupSpans(levels, li, cpu).size();
        // asymmetric capacity: the child of an asym level loses PREFER_SIBLING
        for (int cpu = 0; cpu < n; cpu++)
            for (Raw r : raw[cpu])
                if (r.parent != null && (r.parent.flags & SD_ASYM_CPUCAPACITY) != 0) r.flags &= ~SD_PREFER_SIBLING;

        // degenerate (cpu_attach_domain)
        List<List<Raw>> kept = new ArrayList<>();
        for (int cpu = 0; cpu < n; cpu++) {
            Raw sd = raw[cpu][0];
            for (Raw tmp = sd; tmp != null; ) {
                Raw parent = tmp.parent;
                if (parent == null) break;
                if (parentDegenerate(tmp, parent)) {
                    tmp.parent = parent.parent;
                    if (parent.parent != null) parent.parent.child = tmp;
                    if ((parent.flags & SD_PREFER_SIBLING) != 0) tmp.flags |= SD_PREFER_SIBLING;
                } else {
                    tmp = tmp.parent;
                }
            }
            if (sd != null && degenerate(sd)) {
                sd = sd.parent;
                if (sd != null) sd.child = null;
            }
            List<Raw> chain = new ArrayList<>();
            for (Raw r = sd; r != null; r = r.parent) chain.add(r);
            kept.add(chain);
            imbNumaNr(chain);
        }

        // final objects; groups shared per (level, span)
        String[] names = levelDisplayNames(levels);
        List<Map<CpuSet, SchedGroup>> groupCache = new ArrayList<>();
        for (int i = 0; i < levels.size(); i++) groupCache.add(new IdentityHashMap<>());
        int[] nrGroups = {0};
        SchedDomain[][] out = new SchedDomain[n][];
        for (int cpu = 0; cpu < n; cpu++) {
            List<Raw> chain = kept.get(cpu);
            out[cpu] = new SchedDomain[chain.size()];
            SchedDomain prev = null;
            for (int k = 0; k < chain.size(); k++) {
                Raw r = chain.get(k);
                int childFlags = k == 0 ? 0 : chain.get(k - 1).flags;
                boolean overlap = (r.flags & SD_NUMA) != 0;
                List<CpuSet> spans = groupSpans(levels, r.index, cpu);
                SchedGroup[] groups = new SchedGroup[spans.size()];
                for (int g = 0; g < groups.length; g++) {
                    final CpuSet span = spans.get(g);
                    final int li = r.index;
                    groups[g] = groupCache.get(li).computeIfAbsent(span, s -> newGroup(topo, levels, li, s, overlap, childFlags, nrGroups[0]++));
                }
                SchedDomain d = new SchedDomain(names[r.index], cpu, k, r.span, groups, r.flags, r.imbalancePct,
                        r.cacheNiceTries, r.imbNumaNr, r.level.numaDistance);
                d.child = prev;
                if (prev != null) prev.parent = d;
                out[cpu][k] = d;
                prev = d;
            }
        }
        return new SchedDomains(topo, out);
    }

    private static SchedGroup newGroup(Topology topo, List<Level> levels, int li, CpuSet span, boolean overlap, int childFlags, int id) {
        CpuSet balance = span;
        if (overlap && li > 0) {
            // build_balance_mask: CPUs of the group whose own child domain at this level is the group span
            CpuSet m = new CpuSet(topo.nrCpus());
            CpuSet[] childSpan = levels.get(li - 1).spanOf;
            for (int i = span.first(); i >= 0; i = span.nextSetBit(i + 1))
                if (childSpan[i].equals(span)) m.set(i);
            balance = m.isEmpty() ? span : m;
        }
        int cap = 0, prefer = -1;
        TreeSet<Integer> cores = new TreeSet<>();
        for (int i = span.first(); i >= 0; i = span.nextSetBit(i + 1)) {
            cap += topo.kernelCapacityOf(i);
            cores.add(topo.coreOf(i));
            if (prefer < 0 || topo.asymPriority(i) > topo.asymPriority(prefer)) prefer = i;
        }
        return new SchedGroup(id, span, balance, cores.size(), cap, childFlags, prefer);
    }

    /** Group spans of level li for cpu: child spans met walking the span from cpu, wrapping. */
    private static List<CpuSet> groupSpans(List<Level> levels, int li, int cpu) {
        Level level = levels.get(li);
        CpuSet span = level.spanOf[cpu];
        List<CpuSet> parts = level.partitions.get(span);
        if (parts == null) {
            parts = partition(levels, li, span);
            level.partitions.put(span, parts);
        }
        if (!parts.isEmpty()) {
            // disjoint child spans: order them by the first member met walking the span from cpu (wrapping)
            int n = span.width();
            List<CpuSet> out = new ArrayList<>(parts);
            out.sort(java.util.Comparator.comparingInt(g -> {
                int d = g.nextSetBit(cpu);
                return d >= 0 ? d - cpu : g.first() + n - cpu;
            }));
            return out;
        }
        CpuSet covered = new CpuSet(span.width());
        List<CpuSet> out = new ArrayList<>();
        int w = span.cardinality();
        int i = span.nextSetBitWrap(cpu);
        for (int seen = 0; seen < w; seen++, i = span.nextSetBitWrap(i + 1)) {
            if (covered.get(i)) continue;
            CpuSet g = childSpan(levels, li, i);
            covered.or(g);
            out.add(g);
        }
        return out;
    }

    private static CpuSet childSpan(List<Level> levels, int li, int i) {
        return li == 0 ? levels.get(0).singles[i] : levels.get(li - 1).spanOf[i];
    }

    /** The distinct child spans inside {@code span} if they partition it, else an empty list. */
    private static List<CpuSet> partition(List<Level> levels, int li, CpuSet span) {
        Map<CpuSet, Boolean> seen = new IdentityHashMap<>();
        List<CpuSet> out = new ArrayList<>();
        int total = 0;
        for (int i = span.first(); i >= 0; i = span.nextSetBit(i + 1)) {
            CpuSet g = childSpan(levels, li, i);
            if (seen.put(g, Boolean.TRUE) == null) {
                out.add(g);
                total += g.cardinality();
            }
        }
        return total == span.cardinality() ? out : List.of();
    }

    private static void sdInit(Raw r, Topology topo, int reclaim) {
        int flags = SD_BALANCE_NEWIDLE | SD_BALANCE_EXEC | SD_BALANCE_FORK | SD_WAKE_AFFINE | SD_PREFER_SIBLING
                | r.level.topoFlags;
        int pct = 117, tries = 0;
        if ((flags & SD_SHARE_CPUCAPACITY) != 0) {
            pct = 110;
        } else if ((flags & SD_SHARE_LLC) != 0) {
            tries = 1;
        } else if ((flags & SD_NUMA) != 0) {
            tries = 2;
            flags &= ~SD_PREFER_SIBLING;
            flags |= SD_SERIALIZE;
            if (r.level.numaDistance > reclaim) flags &= ~(SD_BALANCE_EXEC | SD_BALANCE_FORK | SD_WAKE_AFFINE);
        } else {
            tries = 1;
        }
        // asymmetric CPU capacity visible within this span
        int min = Integer.MAX_VALUE, max = 0;
        for (int i = r.span.first(); i >= 0; i = r.span.nextSetBit(i + 1)) {
            min = Math.min(min, topo.kernelCapacityOf(i));
            max = Math.max(max, topo.kernelCapacityOf(i));
        }
        if (min != max) {
            flags |= SD_ASYM_CPUCAPACITY;
            boolean full = true;
            for (int c = 0; c < topo.nrCpus() && full; c++) {
                boolean found = false;
                for (int i = r.span.first(); i >= 0; i = r.span.nextSetBit(i + 1))
                    if (topo.kernelCapacityOf(i) == topo.kernelCapacityOf(c)) { found = true; break; }
                full = found;
            }
            if (full) flags |= SD_ASYM_CPUCAPACITY_FULL;
        }
        r.flags = flags;
        r.imbalancePct = pct;
        r.cacheNiceTries = tries;
    }

    private static boolean degenerate(Raw sd) {
        if (sd.span.cardinality() == 1) return true;
        if ((sd.flags & SD_DEGENERATE_GROUPS_MASK) != 0 && sd.nrGroups > 1) return false;
        return (sd.flags & SD_WAKE_AFFINE) == 0;
    }

    private static boolean parentDegenerate(Raw sd, Raw parent) {
        if (degenerate(parent)) return true;
        if (!sd.span.equals(parent.span)) return false;
        int pflags = parent.flags;
        if (parent.nrGroups == 1) pflags &= ~SD_DEGENERATE_GROUPS_MASK;
        return (~sd.flags & pflags) == 0;
    }

    private static void imbNumaNr(List<Raw> chain) {
        int imb = 0, imbSpan = 1;
        for (Raw sd : chain) {
            Raw child = sd.child;
            if ((sd.flags & SD_SHARE_LLC) == 0 && child != null && (child.flags & SD_SHARE_LLC) != 0) {
                int w = sd.span.cardinality();
                int nrLlcs = w / child.span.cardinality();
                imb = nrLlcs == 1 ? w >> 3 : nrLlcs;
                imb = Math.max(1, imb);
                sd.imbNumaNr = imb;
                Raw top = sd.parent;
                while (top != null && (top.flags & SD_NUMA) == 0) top = top.parent;
                imbSpan = top != null ? top.span.cardinality() : w;
            } else {
                int factor = Math.max(1, sd.span.cardinality() / imbSpan);
                sd.imbNumaNr = imb * factor;
            }
        }
    }

    private static String[] levelDisplayNames(List<Level> levels) {
        long numa = levels.stream().filter(l -> l.numaDistance > 0).count();
        String[] out = new String[levels.size()];
        for (int i = 0; i < out.length; i++) {
            Level l = levels.get(i);
            out[i] = l.numaDistance > 0 && numa > 1 ? "NUMA-" + l.numaDistance : l.name;
        }
        return out;
    }

    private static List<Level> levels(Topology topo) {
        int n = topo.nrCpus();
        List<Level> out = new ArrayList<>();
        CpuSet[] smt = new CpuSet[n], cls = new CpuSet[n], mc = new CpuSet[n], pkg = new CpuSet[n], node = new CpuSet[n];
        for (int c = 0; c < n; c++) {
            smt[c] = topo.coreSpan(topo.coreOf(c));
            cls[c] = topo.clusterSpan(topo.clusterOf(c));
            mc[c] = topo.llcSpan(topo.llcOf(c));
            pkg[c] = topo.packageSpan(topo.packageOf(c));
            node[c] = topo.nodeSpan(topo.nodeOf(c));
        }
        out.add(new Level("SMT", SD_SHARE_CPUCAPACITY | SD_SHARE_LLC, 0, smt));
        out.get(0).singles = new CpuSet[n];
        for (int c = 0; c < n; c++) out.get(0).singles[c] = CpuSet.of(n, c);
        // x86_sched_itmt_flags: ITMT asks for asym packing on the cluster, core and package levels, not SMT
        int itmt = topo.itmt() ? SD_ASYM_PACKING : 0;
        if (topo.hasClusters()) out.add(new Level("CLS", SD_CLUSTER | SD_SHARE_LLC | itmt, 0, widen(cls, smt)));
        out.add(new Level("MC", SD_SHARE_LLC | itmt, 0, widen(mc, out.get(out.size() - 1).spanOf)));
        // x86 drops PKG when a package holds more than one NUMA node and lets the NUMA levels describe it
        boolean multiNodePackage = false;
        for (int p = 0; p < topo.nrPackages(); p++) {
            int first = topo.packageSpan(p).first();
            CpuSet pk = topo.packageSpan(p);
            for (int i = pk.first(); i >= 0; i = pk.nextSetBit(i + 1))
                if (topo.nodeOf(i) != topo.nodeOf(first)) { multiNodePackage = true; break; }
        }
        // PKG spans the CPU's node (cpu_cpu_mask); a node spanning several packages makes PKG span them too
        if (!multiNodePackage) out.add(new Level("PKG", itmt, 0, widen(node, out.get(out.size() - 1).spanOf)));
        if (topo.nrNodes() > 1) {
            out.add(new Level("NODE", 0, 0, widen(node, out.get(out.size() - 1).spanOf)));
            TreeSet<Integer> dists = new TreeSet<>();
            for (int a = 0; a < topo.nrNodes(); a++)
                for (int b = 0; b < topo.nrNodes(); b++)
                    if (topo.nodeDistance(a, b) > 10) dists.add(topo.nodeDistance(a, b));
            for (int d : dists) {
                CpuSet[] perNode = new CpuSet[topo.nrNodes()];
                for (int a = 0; a < topo.nrNodes(); a++) {
                    CpuSet s = new CpuSet(n);
                    for (int b = 0; b < topo.nrNodes(); b++)
                        if (topo.nodeDistance(a, b) <= d) s.or(topo.nodeSpan(b));
                    perNode[a] = s;
                }
                CpuSet[] span = new CpuSet[n];
                for (int c = 0; c < n; c++) span[c] = perNode[topo.nodeOf(c)];
                out.add(new Level("NUMA", SD_NUMA, d, widen(span, out.get(out.size() - 1).spanOf)));
            }
        }
        return out;
    }

    /** A level's span must contain its child's; the kernel repairs a broken arch table the same way. */
    private static CpuSet[] widen(CpuSet[] span, CpuSet[] child) {
        Map<CpuSet, CpuSet> fixed = new IdentityHashMap<>();
        CpuSet[] out = span.clone();
        for (int c = 0; c < span.length; c++) {
            if (!span[c].containsAll(child[c])) {
                CpuSet f = span[c].copy().or(child[c]);
                out[c] = fixed.computeIfAbsent(span[c], x -> f);
            }
        }
        return out;
    }
}
