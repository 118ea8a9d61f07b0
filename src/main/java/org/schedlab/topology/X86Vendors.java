package org.schedlab.topology;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The x86 vendors the kernel knows (the {@code cpu_dev} tables of arch/x86/kernel/cpu/*.c, get_cpu_vendor()): the
 * CPUID vendor string each one answers with ({@code c_ident}), the name the simulator gives it ({@code c_vendor})
 * and its X86_VENDOR_* number, which /sys/devices/system/cpu/modalias prints as {@code venNNNN}.
 */
final class X86Vendors {
    private record Vendor(String name, int number) {}

    private static final Map<String, Vendor> BY_CPUID_STRING = new LinkedHashMap<>();
    private static final Map<Integer, String> BY_NUMBER = new LinkedHashMap<>();

    static {
        add("Intel", 0, "GenuineIntel");
        add("Cyrix", 1, "CyrixInstead");
        add("AMD", 2, "AuthenticAMD");
        add("UMC", 3, "UMC UMC UMC");
        add("Centaur", 5, "CentaurHauls");
        add("Transmeta", 7, "GenuineTMx86", "TransmetaCPU");
        add("NSC", 8, "Geode by NSC");
        add("Hygon", 9, "HygonGenuine");
        add("Zhaoxin", 10, "  Shanghai  ");
        add("Vortex", 11, "Vortex86 SoC");
    }

    private static void add(String name, int number, String... cpuidStrings) {
        for (String s : cpuidStrings) BY_CPUID_STRING.put(s.trim(), new Vendor(name, number));
        BY_NUMBER.put(number, name);
    }

    private X86Vendors() {}

    /**
     * The vendor answering CPUID leaf 0 with {@code s}, or null. Surrounding blanks are ignored: hwloc records
     * Zhaoxin's "  Shanghai  " as CPUID gives it from its x86 backend and without the leading blanks from
     * /proc/cpuinfo.
     */
    static String byCpuidString(String s) {
        Vendor v = BY_CPUID_STRING.get(s.trim());
        return v == null ? null : v.name();
    }

    /** The vendor with this X86_VENDOR_* number, or null. */
    static String byNumber(int number) { return BY_NUMBER.get(number); }
}
