package org.schedlab.topology;

import java.util.Arrays;

/**
 * {@code --capacity CPULIST=VALUE,...}: the user's per-CPU performance (1-1024, 1024 = the fastest kind), e.g.
 * {@code 0-7=1024,8-15=640} or {@code 0-3,8-11=1024,4-7,12-15=512}; CPUs are OS numbers as {@code topology show}
 * prints them, and CPUs not named keep the source's value. Items of a CPU list run up to the one carrying
 * {@code =VALUE}.
 */
public final class CpuCapacities {
    private CpuCapacities() {}

    public static Topology apply(Topology t, String spec) {
        int n = t.nrCpus();
        int[] dense = new int[Arrays.stream(indices(t)).max().orElse(0) + 1];
        Arrays.fill(dense, -1);
        for (int c = 0; c < n; c++) dense[t.osIndex(c)] = c;
        int[] cap = new int[n];
        for (int c = 0; c < n; c++) cap[c] = t.capacityOf(c);
        boolean[] given = new boolean[n];
        StringBuilder list = new StringBuilder();
        if (spec.isBlank()) throw bad(spec, "nothing given, expected CPULIST=VALUE,... such as 0-7=1024,8-15=640");
        for (String item : spec.split(",", -1)) {
            int eq = item.indexOf('=');
            list.append(list.length() > 0 ? "," : "").append(eq < 0 ? item : item.substring(0, eq));
            if (eq < 0) continue;
            String v = item.substring(eq + 1).trim();
            int value;
            try {
                value = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw bad(spec, "capacity '" + v + "' for CPUs " + list + " is not an integer, expected 1 to 1024");
            }
            if (value < 1 || value > Topology.SCHED_CAPACITY_SCALE)
                throw bad(spec, "capacity " + value + " for CPUs " + list + ", expected 1 to 1024");
            CpuSet cpus;
            try {
                cpus = CpuSet.parseList(dense.length + 4096, list.toString().trim());
            } catch (RuntimeException e) {
                throw bad(spec, "'" + list + "' is not a CPU list, expected one such as 0-7 or 0-3,8-11");
            }
            if (cpus.isEmpty()) throw bad(spec, "no CPUs before =" + v + ", expected a list such as 0-7 or 0-3,8-11");
            for (int os = cpus.first(); os >= 0; os = cpus.nextSetBit(os + 1)) {
                int c = os < dense.length ? dense[os] : -1;
                if (c < 0) throw bad(spec, "CPU " + os + " is not in this machine (" + t.nrCpus() + " CPUs, "
                        + t.osIndex(0) + "-" + t.osIndex(n - 1) + ")");
                if (given[c]) throw bad(spec, "CPU " + os + " is given twice");
                given[c] = true;
                cap[c] = value;
            }
            list.setLength(0);
        }
        if (list.length() > 0) throw bad(spec, "CPU list '" + list + "' has no =VALUE");
        return t.withCapacities(cap, "CPU capacities set by --capacity " + spec);
    }

    private static int[] indices(Topology t) {
        int[] os = new int[t.nrCpus()];
        for (int c = 0; c < os.length; c++) os[c] = t.osIndex(c);
        return os;
    }

    private static TopologyException bad(String spec, String what) {
        return new TopologyException("--capacity " + spec + ": " + what);
    }
}
