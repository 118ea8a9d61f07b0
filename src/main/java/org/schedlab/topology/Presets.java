package org.schedlab.topology;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Well-known machines. Counts follow the vendors' public specifications; where a real hwloc capture of the same
 * part exists the preset agrees with it in cores, LLCs, dies and packages.
 *
 * <p>The 2-socket EPYC presets take the firmware's NPS (nodes per socket) mode as {@code NAME:nps=1|2|4}: NPS1
 * (the default) makes each socket one NUMA node, NPS2 and NPS4 split it into 2 or 4 nodes of whole CCDs, numbered
 * as Linux numbers them (2P EPYC 7763 NPS4: node 0 = CPUs 0-15,128-143, node 1 = 16-31,144-159, ...). Their SLIT
 * is the one AMD firmware reports: 10 local, 12 to another node of the same socket, 32 to a node of the other
 * socket (sources, as in the project's model specification §11: {@code numactl -H} dumps of 2-socket EPYC NPS4
 * systems, and AnandTech's EPYC 7003 (Milan) review, page 4, on the NPS modes; the 2P NPS4 node map also in the
 * MeluXina system documentation, https://docs.lxp.lu/system/detailed_arch/). x86 then drops the PKG level and the
 * hierarchy is SMT, MC, NODE, NUMA-12, NUMA-32.
 */
public final class Presets {
    private static final long MB = 1L << 20, KB = 1L << 10;
    /** SLIT of 2-socket EPYC firmware: another node of the same socket, a node of the other socket. */
    static final int EPYC_SAME_SOCKET_DISTANCE = 12, EPYC_OTHER_SOCKET_DISTANCE = 32;
    /** NPS modes the EPYC presets accept. */
    private static final int[] NPS_MODES = {1, 2, 4};
    private static final Map<String, Supplier<Topology>> PRESETS = new LinkedHashMap<>();
    private static final Map<String, IntFunction<RegularMachine>> NPS_PRESETS = new LinkedHashMap<>();
    private static final Map<String, String> DESCRIPTIONS = new LinkedHashMap<>();

    static {
        addNps("epyc-7763-2s", "2 x AMD EPYC 7763 (Milan, Zen 3): 2x64 cores, SMT2, 8 CCDs of one 8-core 32 MB LLC; "
                + "NPS1, or :nps=2|4", nps -> {
            RegularMachine m = epyc("epyc-7763-2s", 2, 8, 8, nps);
            m.l2Bytes = 512 * KB;
            return m;
        });
        addNps("epyc-9654-2s", "2 x AMD EPYC 9654 (Genoa, Zen 4): 2x96 cores, SMT2, 12 CCDs of one 8-core 32 MB LLC; "
                + "NPS1, or :nps=2|4", nps -> {
            RegularMachine m = epyc("epyc-9654-2s", 2, 12, 8, nps);
            m.llcsPerDie = 1;
            return m;
        });
        add("epyc-9754", "AMD EPYC 9754 (Bergamo, Zen 4c): 128 cores, SMT2, 8 CCDs of two 8-core 16 MB CCXs", () -> {
            RegularMachine m = epyc("epyc-9754", 1, 16, 8, 1);
            m.llcsPerDie = 2;
            m.llcBytes = 16 * MB;
            return m.build();
        });
        add("epyc-9965", "AMD EPYC 9965 (Turin dense, Zen 5c): 192 cores, SMT2, 12 CCDs of one 16-core 32 MB LLC", () -> {
            RegularMachine m = epyc("epyc-9965", 1, 12, 16, 1);
            m.llcsPerDie = 1;
            return m.build();
        });
        add("xeon-8480-2s", "2 x Intel Xeon Platinum 8480+ (Sapphire Rapids): 2x56 cores, SMT2, one 105 MB LLC per socket", () -> {
            RegularMachine m = new RegularMachine();
            m.name = "xeon-8480-2s";
            m.packages = 2;
            m.coresPerLlc = 56;
            m.smt = 2;
            m.remoteDistance = 21;
            m.vendor = "Intel";
            m.llcBytes = 105 * MB;
            m.l2Bytes = 2 * MB;
            return m.build();
        });
        add("juno-r0", "Arm Juno r0: 2 Cortex-A57 (capacity 1024) + 4 Cortex-A53 (capacity 446), one L2 per cluster",
                Presets::juno);
        add("desktop-8c16t", "desktop: 8 cores, SMT2, one 32 MB LLC", () -> {
            RegularMachine m = new RegularMachine();
            m.name = "desktop-8c16t";
            m.coresPerLlc = 8;
            m.smt = 2;
            m.llcBytes = 32 * MB;
            m.l2Bytes = 1 * MB;
            return m.build();
        });
    }

    /** Arm Juno r0: LITTLE Cortex-A53 cluster on CPUs 0,3,4,5 (capacity 446), big Cortex-A57 on 1,2 (1024). */
    private static Topology juno() {
        TopologyBuilder b = new TopologyBuilder("juno-r0").vendor("Arm");
        int[] cluster = {0, 1, 1, 0, 0, 0};
        int[] capacity = {446, 1024, 1024, 446, 446, 446};
        for (int c = 0; c < 6; c++) {
            b.cpu(c, 0, TopologyBuilder.NONE, 0, cluster[c], TopologyBuilder.NONE, c, capacity[c]);
            b.l2Bytes(c, cluster[c] == 1 ? 2 * MB : 1 * MB);
            b.llcBytes(cluster[c], cluster[c] == 1 ? 2 * MB : 1 * MB);
        }
        return b.build();
    }

    /** An EPYC of {@code nodesPerSocket} NUMA nodes per socket, each of whole LLCs (CCDs or CCXs). */
    private static RegularMachine epyc(String name, int packages, int llcsPerPackage, int coresPerLlc, int nodesPerSocket) {
        RegularMachine m = new RegularMachine();
        m.name = name;
        m.packages = packages;
        m.nodesPerPackage = nodesPerSocket;
        m.llcsPerNode = llcsPerPackage / nodesPerSocket;
        m.coresPerLlc = coresPerLlc;
        m.smt = 2;
        m.samePackageDistance = EPYC_SAME_SOCKET_DISTANCE;
        m.remoteDistance = EPYC_OTHER_SOCKET_DISTANCE;
        m.vendor = "AMD";
        m.llcBytes = 32 * MB;
        m.l2Bytes = 1 * MB;
        return m;
    }

    private static void add(String name, String description, Supplier<Topology> s) {
        PRESETS.put(name, s);
        DESCRIPTIONS.put(name, description);
    }

    /** A preset with NPS modes; without {@code :nps=} it is the NPS1 machine. */
    private static void addNps(String name, String description, IntFunction<RegularMachine> s) {
        NPS_PRESETS.put(name, s);
        add(name, description, () -> s.apply(1).build());
    }

    private Presets() {}

    /** True for a preset name, with or without {@code :options} after it. */
    public static boolean exists(String spec) { return PRESETS.containsKey(baseName(spec)); }

    private static String baseName(String spec) {
        int colon = spec.indexOf(':');
        return colon < 0 ? spec : spec.substring(0, colon);
    }

    /** The machine named by {@code spec}: a preset name, optionally followed by {@code :nps=N} where supported. */
    public static Topology get(String spec) {
        String name = baseName(spec);
        Supplier<Topology> s = PRESETS.get(name);
        if (s == null) throw new TopologyException("unknown preset '" + name + "'; known: " + String.join(", ", PRESETS.keySet()));
        if (name.equals(spec)) return s.get();
        String options = spec.substring(name.length() + 1);
        IntFunction<RegularMachine> nps = NPS_PRESETS.get(name);
        if (nps == null)
            throw new TopologyException(spec + ": preset " + name + " takes no options; :nps=1|2|4 is for "
                    + String.join(", ", NPS_PRESETS.keySet()));
        RegularMachine m = nps.apply(npsMode(spec, options));
        m.name = spec;
        return m.build();
    }

    private static int npsMode(String spec, String options) {
        int eq = options.indexOf('=');
        String key = eq < 0 ? options.trim() : options.substring(0, eq).trim();
        if (!key.equals("nps"))
            throw new TopologyException(spec + ": unknown option '" + options + "', expected nps=1, nps=2 or nps=4");
        String v = options.substring(eq + 1).trim();
        for (int mode : NPS_MODES)
            if (v.equals(String.valueOf(mode))) return mode;
        throw new TopologyException(spec + ": nps must be 1, 2 or 4 (nodes per socket), got '" + v + "'");
    }

    /** Preset names with one-line descriptions, in a stable order. */
    public static Map<String, String> descriptions() { return DESCRIPTIONS; }
}
