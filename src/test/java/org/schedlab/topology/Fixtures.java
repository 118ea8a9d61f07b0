package org.schedlab.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Test inputs: the bundled hwloc captures and small generated hwloc documents. */
final class Fixtures {
    static final String EPYC_9654 = "AMD-19h-Zen4-2xEpyc-9654.xml";
    static final String EPYC_7763 = "AMD-19h-Zen3-2xEpyc-7763.xml";
    static final String XEON_MAX = "Intel-SapphireRapids-2xXeonMax9460.xml";
    static final String RAPTOR_LAKE = "Intel-RaptorLake-Corei7-1370P.xml";
    static final String HYGON_DHYANA = "Hygon-Dhyana-32cores.xml";
    static final String ZHAOXIN_CENTAUR = "Zhaoxin-CentaurHauls-ZXD-4600.xml";
    static final String ZHAOXIN_SHANGHAI = "Zhaoxin-Shanghai-KaiSheng-ZXC+-FC1081.xml";

    private Fixtures() {}

    static Path hwloc(String name) {
        URL u = Fixtures.class.getResource("/topologies/" + name);
        if (u == null) throw new IllegalStateException("test resource missing: " + name);
        try {
            return Path.of(u.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(hwloc(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Topology read(String name) { return HwlocReader.read(hwloc(name), new TopologySources.Options()); }

    static String[] levelNames(SchedDomain[] sds) { return Arrays.stream(sds).map(d -> d.name).toArray(String[]::new); }

    static int[] weights(SchedDomain[] sds) { return Arrays.stream(sds).mapToInt(d -> d.spanWeight).toArray(); }

    /** hwloc bitmap text for a set of bits, as lstopo writes it (most significant word first, zero words empty). */
    static String bitmap(int... bits) {
        int max = Arrays.stream(bits).max().orElse(0);
        long[] words = new long[max / 32 + 1];
        for (int b : bits) words[b / 32] |= 1L << (b % 32);
        StringBuilder sb = new StringBuilder();
        for (int i = words.length - 1; i >= 0; i--) {
            if (sb.length() > 0) sb.append(',');
            if (words[i] != 0 || i == words.length - 1) sb.append(String.format("0x%08x", words[i]));
        }
        return sb.toString();
    }

    static int[] range(int from, int toExclusive) {
        int[] a = new int[toExclusive - from];
        for (int i = 0; i < a.length; i++) a[i] = from + i;
        return a;
    }

    static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /**
     * A small hwloc v2 document: {@code packages} packages, each one L3 of {@code cores} cores with private L2s
     * and {@code smt} PUs, numbered like Linux on x86 (first threads of all cores, then the second threads).
     * Each package gets its own NUMANode when {@code numaPerPackage}, else one NUMANode covers the machine;
     * {@code extra} (distances, CPU kinds) is appended inside {@code <topology>} after the object tree.
     */
    static String machine(String version, int packages, int cores, int smt, boolean numaPerPackage, String extra) {
        int totalCores = packages * cores;
        StringBuilder sb = new StringBuilder();
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE topology SYSTEM \"hwloc2.dtd\">\n");
        sb.append("<topology version=\"").append(version).append("\">\n");
        int[] all = range(0, totalCores * smt);
        sb.append("  <object type=\"Machine\" os_index=\"0\" cpuset=\"").append(bitmap(all)).append("\">\n");
        if (!numaPerPackage)
            sb.append("    <object type=\"NUMANode\" os_index=\"0\" cpuset=\"").append(bitmap(all)).append("\"/>\n");
        for (int p = 0; p < packages; p++) {
            int[] pkg = new int[0];
            for (int t = 0; t < smt; t++) pkg = concat(pkg, range(t * totalCores + p * cores, t * totalCores + (p + 1) * cores));
            sb.append("    <object type=\"Package\" os_index=\"").append(p).append("\" cpuset=\"").append(bitmap(pkg)).append("\">\n");
            sb.append("      <info name=\"CPUVendor\" value=\"GenuineIntel\"/>\n");
            if (numaPerPackage)
                sb.append("      <object type=\"NUMANode\" os_index=\"").append(p).append("\" cpuset=\"").append(bitmap(pkg))
                        .append("\" gp_index=\"").append(1000 + p).append("\"/>\n");
            sb.append("      <object type=\"L3Cache\" cpuset=\"").append(bitmap(pkg)).append("\" cache_size=\"16777216\" depth=\"3\" cache_type=\"0\">\n");
            for (int c = 0; c < cores; c++) {
                int core = p * cores + c;
                int[] threads = new int[smt];
                for (int t = 0; t < smt; t++) threads[t] = t * totalCores + core;
                String cs = bitmap(threads);
                sb.append("        <object type=\"L2Cache\" cpuset=\"").append(cs).append("\" cache_size=\"1048576\" depth=\"2\" cache_type=\"0\">\n");
                sb.append("          <object type=\"Core\" os_index=\"").append(c).append("\" cpuset=\"").append(cs).append("\">\n");
                for (int t : threads)
                    sb.append("            <object type=\"PU\" os_index=\"").append(t).append("\" cpuset=\"").append(bitmap(t)).append("\"/>\n");
                sb.append("          </object>\n        </object>\n");
            }
            sb.append("      </object>\n    </object>\n");
        }
        sb.append("  </object>\n");
        if (extra != null) sb.append(extra);
        sb.append("</topology>\n");
        return sb.toString();
    }
}
