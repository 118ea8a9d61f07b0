package org.schedlab.topology;

import java.util.ArrayList;
import java.util.HashMap;
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
        final CpuSet[] spanOf;     // per cpu; CPUs of one object share one set
        CpuSet[] singles;          // one-CPU child spans, lowest level only
        /** Per span: sd_init's flags, imbalance_pct and cache_nice_tries, and the span's weight. */
        final Map<CpuSet, int[]> init = new IdentityHashMap<>();
        /** Per cpu: its group spans, walked from its local group ({@link #firstOf}) around the array. */
        CpuSet[][] groupsOf;
        int[] firstOf;

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
        final int weight;
        int flags;
        int imbalancePct = 117, cacheNiceTries;
        int nrGroups;
        int imbNumaNr;
        Raw parent, child;

        Raw(Level level, int index, CpuSet span, int weight) {
            this.level = level;
            this.index = index;
            this.span = span;
            this.weight = weight;
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

    /**
     * Builds the hierarchy (build_sched_domains). Work and memory grow with the CPUs times the levels plus the
     * distinct spans and groups, not with the CPUs times the groups: CPUs that see the same groups in the same
     * cyclic order share them, as the kernel's CPUs share one sg->next ring.
     */
    public static SchedDomains build(Topology topo, int nodeReclaimDistance) {
        int n = topo.nrCpus();
        List<Level> levels = levels(topo);
        for (int li = 0; li < levels.size(); li++) {
            Level l = levels.get(li);
            for (int cpu = 0; cpu < n; cpu++)
                if (!l.init.containsKey(l.spanOf[cpu])) l.init.put(l.spanOf[cpu], sdInit(l, l.spanOf[cpu], topo, nodeReclaimDistance));
            groupSpans(levels, li, n);
        }

        // raw hierarchy per cpu, with the group count each level has
        Raw[][] raw = new Raw[n][];
        for (int cpu = 0; cpu < n; cpu++) {
            raw[cpu] = new Raw[levels.size()];
            Raw prev = null;
            for (int li = 0; li < levels.size(); li++) {
                Level l = levels.get(li);
                int[] init = l.init.get(l.spanOf[cpu]);
                Raw r = new Raw(l, li, l.spanOf[cpu], init[3]);
                r.flags = init[0];
                r.imbalancePct = init[1];
                r.cacheNiceTries = init[2];
                r.nrGroups = l.groupsOf[cpu].length;
                r.child = prev;
                if (prev != null) prev.parent = r;
                raw[cpu][li] = r;
                prev = r;
            }
        }
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

        // final objects; a group is one object per (level, span), a group array one per (level, span array)
        String[] names = levelDisplayNames(levels);
        List<Map<CpuSet, SchedGroup>> groupCache = new ArrayList<>();
        List<Map<CpuSet[], SchedGroup[]>> arrayCache = new ArrayList<>();
        for (int i = 0; i < levels.size(); i++) {
            groupCache.add(new IdentityHashMap<>());
            arrayCache.add(new IdentityHashMap<>());
        }
        int[] nrGroups = {0};
        SchedDomain[][] out = new SchedDomain[n][];
        for (int cpu = 0; cpu < n; cpu++) {
            List<Raw> chain = kept.get(cpu);
            out[cpu] = new SchedDomain[chain.size()];
            SchedDomain prev = null;
            for (int k = 0; k < chain.size(); k++) {
                Raw r = chain.get(k);
                final int childFlags = k == 0 ? 0 : chain.get(k - 1).flags;
                final boolean overlap = (r.flags & SD_NUMA) != 0;
                final int li = r.index;
                Level l = levels.get(li);
                Map<CpuSet, SchedGroup> cache = groupCache.get(li);
                SchedGroup[] groups = arrayCache.get(li).computeIfAbsent(l.groupsOf[cpu], spans -> {
                    SchedGroup[] g = new SchedGroup[spans.length];
                    for (int i = 0; i < spans.length; i++)
                        g[i] = cache.computeIfAbsent(spans[i], s -> newGroup(topo, levels, li, s, overlap, childFlags, nrGroups[0]++));
                    return g;
                });
                SchedDomain d = new SchedDomain(names[li], cpu, k, r.span, r.weight, groups, l.firstOf[cpu], r.flags,
                        r.imbalancePct, r.cacheNiceTries, r.imbNumaNr, l.numaDistance);
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
        int cap = 0, prefer = -1, weight = 0;
        TreeSet<Integer> cores = new TreeSet<>();
        for (int i = span.first(); i >= 0; i = span.nextSetBit(i + 1)) {
            weight++;
            cap += topo.kernelCapacityOf(i);
            cores.add(topo.coreOf(i));
            if (prefer < 0 || topo.asymPriority(i) > topo.asymPriority(prefer)) prefer = i;
        }
        return new SchedGroup(id, span, weight, balance, cores.size(), cap, childFlags, prefer);
    }

    /**
     * Fills the level's group spans for every CPU: the child spans met walking the CPU's span from the CPU,
     * wrapping (build_sched_groups, build_overlap_sched_groups). When the child spans partition the span and every
     * CPU's walk meets them in the same cyclic order, the CPUs share one array in the order of the groups' first
     * CPUs, each starting at its own group; otherwise each run of consecutive CPUs of one child span, whose walks
     * are the same, shares one list.
     */
    private static void groupSpans(List<Level> levels, int li, int n) {
        Level level = levels.get(li);
        level.groupsOf = new CpuSet[n][];
        level.firstOf = new int[n];
        for (int cpu = 0; cpu < n; cpu++) {
            if (level.groupsOf[cpu] != null) continue;
            CpuSet span = level.spanOf[cpu];
            int[] members = members(span, level.init.get(span)[3]);
            CpuSet[] parts = partition(levels, li, members);
            if (parts != null && sameCyclicOrder(levels, li, members, parts)) {
                Map<CpuSet, Integer> index = new IdentityHashMap<>();
                for (int g = 0; g < parts.length; g++) index.put(parts[g], g);
                for (int c : members)
                    if (level.spanOf[c] == span) {
                        level.groupsOf[c] = parts;
                        level.firstOf[c] = index.get(childSpan(levels, li, c));
                    }
                continue;
            }
            CpuSet[] walk = null;
            CpuSet walkChild = null;
            for (int c : members) {
                CpuSet child = childSpan(levels, li, c);
                // the walks of consecutive CPUs of one child span differ only in where the child's CPUs are met
                if (child != walkChild) {
                    walk = parts != null ? walkPartition(parts, c, span.width()) : walkOverlap(levels, li, span, c);
                    walkChild = child;
                }
                if (level.spanOf[c] == span) level.groupsOf[c] = walk;
            }
        }
    }

    private static CpuSet childSpan(List<Level> levels, int li, int i) {
        return li == 0 ? levels.get(0).singles[i] : levels.get(li - 1).spanOf[i];
    }

    /** The CPUs of a span of {@code weight} CPUs, in order. */
    private static int[] members(CpuSet span, int weight) {
        int[] out = new int[weight];
        for (int k = 0, i = span.first(); i >= 0; i = span.nextSetBit(i + 1)) out[k++] = i;
        return out;
    }

    /** The distinct child spans of the span's CPUs in order of their first CPU if they partition it, else null. */
    private static CpuSet[] partition(List<Level> levels, int li, int[] members) {
        Map<CpuSet, Boolean> seen = new IdentityHashMap<>();
        List<CpuSet> out = new ArrayList<>();
        long total = 0;
        for (int i : members) {
            CpuSet g = childSpan(levels, li, i);
            if (seen.put(g, Boolean.TRUE) == null) {
                out.add(g);
                // a child span is a span of the level below (whose weights are known), or one CPU
                total += li == 0 ? 1 : levels.get(li - 1).init.get(g)[3];
            }
        }
        return total == members.length ? out.toArray(new CpuSet[0]) : null;
    }

    /**
     * True when the walk from every CPU of the span meets the partition's groups in one cyclic order. The walk
     * from the span's (x+1)-th CPU is the walk from its x-th with the x-th CPU's group a moved from the front to
     * where a is next met; it is the walk rotated by one exactly when every other group is met before a comes
     * again, that is when the shortest stretch from x+1 holding all groups ends at a's next CPU. Linear in the
     * span's weight.
     */
    private static boolean sameCyclicOrder(List<Level> levels, int li, int[] members, CpuSet[] parts) {
        int w = members.length, g = parts.length;
        if (g <= 2) return true;
        Map<CpuSet, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < g; i++) index.put(parts[i], i);
        int[] label = new int[w];
        for (int p = 0; p < w; p++) label[p] = index.get(childSpan(levels, li, members[p]));
        // nextSame[p]: the next position after p (in the span walked twice) with p's group
        int[] nextSame = new int[w];
        int[] last = new int[g];
        java.util.Arrays.fill(last, -1);
        for (int p = 2 * w - 1; p >= 0; p--) {
            int lab = label[p % w];
            if (p < w) nextSame[p] = last[lab];
            last[lab] = p;
        }
        // cover[s]: the end of the shortest stretch starting at s (1 <= s <= w) that holds every group
        int[] count = new int[g];
        int distinct = 0, end = 1;
        int[] cover = new int[w + 1];
        for (int s = 1; s <= w; s++) {
            while (distinct < g) {
                if (count[label[end % w]]++ == 0) distinct++;
                end++;
            }
            cover[s] = end - 1;
            if (--count[label[s % w]] == 0) distinct--;
        }
        for (int x = 0; x < w; x++)
            if (label[(x + 1) % w] != label[x] && cover[x + 1] != nextSame[x]) return false;
        return true;
    }

    /** The partition's groups ordered by the first of their CPUs met walking from {@code cpu}, wrapping. */
    private static CpuSet[] walkPartition(CpuSet[] parts, int cpu, int n) {
        CpuSet[] out = parts.clone();
        java.util.Arrays.sort(out, java.util.Comparator.comparingInt(g -> {
            int d = g.nextSetBit(cpu);
            return d >= 0 ? d - cpu : g.first() + n - cpu;
        }));
        return out;
    }

    /** Overlapping groups: the child span of each CPU not yet covered, walking the span from {@code cpu}, wrapping. */
    private static CpuSet[] walkOverlap(List<Level> levels, int li, CpuSet span, int cpu) {
        CpuSet remaining = span.copy();
        List<CpuSet> out = new ArrayList<>();
        for (int i = cpu; !remaining.isEmpty(); ) {
            i = remaining.nextSetBitWrap(i);
            CpuSet g = childSpan(levels, li, i);
            remaining.andNot(g);
            out.add(g);
        }
        return out.toArray(new CpuSet[0]);
    }

    /** sd_init for one span of a level: {flags, imbalance_pct, cache_nice_tries, span weight}. */
    private static int[] sdInit(Level level, CpuSet span, Topology topo, int reclaim) {
        int flags = SD_BALANCE_NEWIDLE | SD_BALANCE_EXEC | SD_BALANCE_FORK | SD_WAKE_AFFINE | SD_PREFER_SIBLING
                | level.topoFlags;
        int pct = 117, tries = 0;
        if ((flags & SD_SHARE_CPUCAPACITY) != 0) {
            pct = 110;
        } else if ((flags & SD_SHARE_LLC) != 0) {
            tries = 1;
        } else if ((flags & SD_NUMA) != 0) {
            tries = 2;
            flags &= ~SD_PREFER_SIBLING;
            flags |= SD_SERIALIZE;
            if (level.numaDistance > reclaim) flags &= ~(SD_BALANCE_EXEC | SD_BALANCE_FORK | SD_WAKE_AFFINE);
        } else {
            tries = 1;
        }
        // asymmetric CPU capacity visible within this span; FULL when the span holds every capacity of the machine
        int weight = 0, min = Integer.MAX_VALUE, max = 0;
        for (int i = span.first(); i >= 0; i = span.nextSetBit(i + 1)) {
            min = Math.min(min, topo.kernelCapacityOf(i));
            max = Math.max(max, topo.kernelCapacityOf(i));
            weight++;
        }
        if (min != max) {
            TreeSet<Integer> inSpan = new TreeSet<>();
            for (int i = span.first(); i >= 0; i = span.nextSetBit(i + 1)) inSpan.add(topo.kernelCapacityOf(i));
            flags |= SD_ASYM_CPUCAPACITY;
            boolean full = true;
            for (int c = 0; c < topo.nrCpus() && full; c++) full = inSpan.contains(topo.kernelCapacityOf(c));
            if (full) flags |= SD_ASYM_CPUCAPACITY_FULL;
        }
        return new int[]{flags, pct, tries, weight};
    }

    private static boolean degenerate(Raw sd) {
        if (sd.weight == 1) return true;
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
                int w = sd.weight;
                int nrLlcs = w / child.weight;
                imb = nrLlcs == 1 ? w >> 3 : nrLlcs;
                imb = Math.max(1, imb);
                sd.imbNumaNr = imb;
                Raw top = sd.parent;
                while (top != null && (top.flags & SD_NUMA) == 0) top = top.parent;
                imbSpan = top != null ? top.weight : w;
            } else {
                int factor = Math.max(1, sd.weight / imbSpan);
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
        // a CPU alone in its core has its core's span as its one-CPU set
        for (int c = 0; c < n; c++) out.get(0).singles[c] = topo.coreWeight(topo.coreOf(c)) == 1 ? smt[c] : CpuSet.of(n, c);
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
                // nodes with the same nodes within d share one span, so a group seen from several nodes is one
                // group, as the kernel's copies of an overlapping group share their sgc (init_overlap_sched_group)
                Map<java.util.BitSet, CpuSet> unions = new HashMap<>();
                CpuSet[] perNode = new CpuSet[topo.nrNodes()];
                for (int a = 0; a < topo.nrNodes(); a++) {
                    java.util.BitSet near = new java.util.BitSet(topo.nrNodes());
                    for (int b = 0; b < topo.nrNodes(); b++)
                        if (topo.nodeDistance(a, b) <= d) near.set(b);
                    CpuSet union = unions.computeIfAbsent(near, ns -> {
                        CpuSet u = new CpuSet(n);
                        for (int b = ns.nextSetBit(0); b >= 0; b = ns.nextSetBit(b + 1)) u.or(topo.nodeSpan(b));
                        return u;
                    });
                    perNode[a] = union;
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
            if (c > 0 && span[c] == span[c - 1] && child[c] == child[c - 1]) {
                out[c] = out[c - 1];
                continue;
            }
            if (!span[c].containsAll(child[c])) {
                CpuSet f = span[c].copy().or(child[c]);
                out[c] = fixed.computeIfAbsent(span[c], x -> f);
            }
        }
        return out;
    }
}
