package org.schedlab.topology;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Well-known machines. Counts follow the vendors' public specifications; where a real hwloc
 * capture of the same part exists the preset agrees with it in cores, LLCs, dies and packages.
 */
public final class Presets {
    private static final long MB = 1L << 20, KB = 1L << 10;
    private static final Map<String, Supplier<Topology>> PRESETS = new LinkedHashMap<>();
    private static final Map<String, String> DESCRIPTIONS = new LinkedHashMap<>();

    static {
        add("epyc-7763-2s", "2 x AMD EPYC 7763 (Milan, Zen 3): 2x64 cores, SMT2, 8-core 32 MB LLCs, NPS1", () -> {
            RegularMachine m = epyc("epyc-7763-2s", 2, 8, 8);
            m.l2Bytes = 512 * KB;
            return m.build();
        });
        add("epyc-9654-2s", "2 x AMD EPYC 9654 (Genoa, Zen 4): 2x96 cores, SMT2, 12 CCDs of one 8-core 32 MB LLC, NPS1", () -> {
            RegularMachine m = epyc("epyc-9654-2s", 2, 12, 8);
            m.llcsPerDie = 1;
            return m.build();
        });
        add("epyc-9754", "AMD EPYC 9754 (Bergamo, Zen 4c): 128 cores, SMT2, 8 CCDs of two 8-core 16 MB CCXs", () -> {
            RegularMachine m = epyc("epyc-9754", 1, 16, 8);
            m.llcsPerDie = 2;
            m.llcBytes = 16 * MB;
            return m.build();
        });
        add("epyc-9965", "AMD EPYC 9965 (Turin dense, Zen 5c): 192 cores, SMT2, 12 CCDs of one 16-core 32 MB LLC", () -> {
            RegularMachine m = epyc("epyc-9965", 1, 12, 16);
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

    private static RegularMachine epyc(String name, int packages, int llcsPerPackage, int coresPerLlc) {
        RegularMachine m = new RegularMachine();
        m.name = name;
        m.packages = packages;
        m.llcsPerNode = llcsPerPackage;
        m.coresPerLlc = coresPerLlc;
        m.smt = 2;
        m.remoteDistance = 32;
        m.vendor = "AMD";
        m.llcBytes = 32 * MB;
        m.l2Bytes = 1 * MB;
        return m;
    }

    private static void add(String name, String description, Supplier<Topology> s) {
        PRESETS.put(name, s);
        DESCRIPTIONS.put(name, description);
    }

    private Presets() {}

    public static boolean exists(String name) { return PRESETS.containsKey(name); }

    public static Topology get(String name) {
        Supplier<Topology> s = PRESETS.get(name);
        if (s == null) throw new TopologyException("unknown preset '" + name + "'; known: " + String.join(", ", PRESETS.keySet()));
        return s.get();
    }

    /** Preset names with one-line descriptions, in a stable order. */
    public static Map<String, String> descriptions() { return DESCRIPTIONS; }
}
