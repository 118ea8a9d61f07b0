package org.schedlab.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.schedlab.InputError;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.SchedDomain;
import org.schedlab.topology.SchedDomains;
import org.schedlab.topology.Topology;
import org.schedlab.topology.TopologySources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code schedlab topology ...}: inspect machines and their sched domains. */
@Command(name = "topology", description = "Inspect machine topologies and sched domains.", mixinStandardHelpOptions = true,
        subcommands = {TopologyCommand.Show.class})
public final class TopologyCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code schedlab topology show SOURCE}: a summary of the machine and the sched-domain hierarchy of one CPU, as
     * text or JSON on stdout; the reader's assumptions go to stderr as notes.
     */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Summarise a machine and show the sched domains of one CPU.")
    public static final class Show implements Callable<Integer> {
        private static final int GROUPS_SHOWN = 4;
        /** Machines with more nodes get a one-line node summary in text. */
        private static final int NODES_SHOWN = 64;

        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "SOURCE",
                description = "A preset name (the 2-socket EPYCs also as NAME:nps=1|2|4), "
                        + "synthetic:packages=P,nodes=N,llcs=L,cores=C,smt=S, host, an hwloc XML file or a directory laid "
                        + "out like /sys/devices/system.")
        String source;

        @Option(names = "--cpu", paramLabel = "N", description = "CPU (OS number) whose domains are shown; default 0.")
        Integer cpu;

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        @Option(names = "--keep-numa",
                description = "Keep the source's NUMA nodes even when it has fewer nodes than packages.")
        boolean keepNuma;

        @Option(names = "--capacity", paramLabel = "CPULIST=VALUE,...",
                description = "Override CPU performance (1-1024), e.g. 0-7=1024,8-15=640.")
        String capacity;

        @Override public Integer call() throws JsonProcessingException {
            TopologySources.Options opts = new TopologySources.Options();
            opts.nodePerPackage = !keepNuma;
            opts.capacity = capacity;
            Topology t = TopologySources.resolve(source, opts);
            int c = denseCpu(t, cpu == null ? t.osIndex(0) : cpu);
            SchedDomains sds = SchedDomains.build(t);
            PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
            for (String n : t.notes()) err.println("schedlab: note: " + n);
            err.flush();
            if (json) {
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(toJson(t, sds, c)));
            } else {
                printText(out, t, sds, c);
            }
            out.flush();
            return 0;
        }

        private static int denseCpu(Topology t, int os) {
            for (int i = 0; i < t.nrCpus(); i++) if (t.osIndex(i) == os) return i;
            throw new InputError("--cpu " + os + ": " + t.name() + " has no such CPU, expected one of " + osList(t, t.allCpus()));
        }

        // ------------------------------------------------------------------------------------ text

        private static void printText(PrintWriter out, Topology t, SchedDomains sds, int c) {
            row(out, "name", t.name());
            row(out, "vendor", t.vendor());
            row(out, "packages", String.valueOf(t.nrPackages()));
            row(out, "NUMA nodes", String.valueOf(t.nrNodes()));
            if (t.nrNodes() > 1) printNodes(out, t);
            row(out, "dies", t.nrDies() + (t.hasDies() ? "" : " (one per package)"));
            row(out, "LLCs", t.nrLlcs() + " (" + llcSummary(t) + ")");
            row(out, "cores", String.valueOf(t.nrCores()));
            row(out, "CPUs", String.valueOf(t.nrCpus()));
            row(out, "SMT", String.valueOf(t.smt()));
            row(out, "clusters", clusterSummary(t));
            if (t.hasMixedPerformance()) {
                StringBuilder s = new StringBuilder();
                capacities(t).forEach((cap, n) -> s.append(s.length() > 0 ? ", " : "").append(cap).append(" x ").append(n).append(" CPUs"));
                row(out, "capacities", s.toString());
                row(out, "scheduler", t.itmt() ? "ITMT: every CPU reports capacity 1024, asym packing prefers the faster cores"
                        : "asymmetric capacities (misfit migration)");
            }
            out.println();
            SchedDomain[] chain = sds.of(c);
            out.println("sched domains of CPU " + t.osIndex(c) + (chain.length == 0 ? ": none" : ""));
            for (SchedDomain d : chain) {
                out.printf("%-8s span %s (%d CPUs)%n", d.name, osList(t, d.span), d.spanWeight);
                StringBuilder g = new StringBuilder();
                for (int i = 0; i < Math.min(GROUPS_SHOWN, d.nrGroups()); i++) g.append(" {").append(osList(t, d.group(i).span)).append('}');
                if (d.nrGroups() > GROUPS_SHOWN) g.append(" ...");
                out.printf("%-8s groups %d:%s%n", "", d.nrGroups(), g);
                out.printf("%-8s flags %s%n", "", SchedDomain.flagNames(d.flags));
                out.printf("%-8s imbalance_pct %d, cache_nice_tries %d, interval %d-%d ms, busy_factor %d, imb_numa_nr %d%n",
                        "", d.imbalancePct, d.cacheNiceTries, d.minIntervalMs, d.maxIntervalMs, d.busyFactor, d.imbNumaNr);
            }
        }

        /** Each node's CPUs and the distance matrix; beyond {@link #NODES_SHOWN} nodes, a summary (all of it is in --json). */
        private static void printNodes(PrintWriter out, Topology t) {
            int n = t.nrNodes();
            if (n > NODES_SHOWN) {
                TreeMap<Integer, Integer> sizes = new TreeMap<>();
                TreeSet<Integer> distances = new TreeSet<>();
                for (int a = 0; a < n; a++) {
                    sizes.merge(t.nodeSpan(a).cardinality(), 1, Integer::sum);
                    for (int b = 0; b < n; b++) distances.add(t.nodeDistance(a, b));
                }
                List<String> parts = new ArrayList<>();
                sizes.forEach((cpus, count) -> parts.add(count + " of " + cpus + " CPUs"));
                out.printf("  %-10s%s; distances %s (each node's CPUs and the matrix: --json)%n", "nodes",
                        String.join(", ", parts), distances.stream().map(String::valueOf).collect(Collectors.joining(", ")));
                return;
            }
            for (int a = 0; a < n; a++) out.printf("  %-10sCPUs %s%n", "node " + a, osList(t, t.nodeSpan(a)));
            StringBuilder h = new StringBuilder(String.format("  %-10s", "distance"));
            for (int b = 0; b < n; b++) h.append(String.format("%5d", b));
            out.println(h);
            for (int a = 0; a < n; a++) {
                StringBuilder r = new StringBuilder(String.format("  %-10s", "node " + a));
                for (int b = 0; b < n; b++) r.append(String.format("%5d", t.nodeDistance(a, b)));
                out.println(r);
            }
        }

        private static void row(PrintWriter out, String key, String value) {
            out.printf("%-12s%s%n", key, value);
        }

        private static String llcSummary(Topology t) {
            Map<String, Integer> kinds = new LinkedHashMap<>();
            for (int l = 0; l < t.nrLlcs(); l++) {
                long b = t.llcBytes(l);
                String k = t.llcSpan(l).cardinality() + " CPUs" + (b > 0 ? ", " + bytes(b) : "");
                kinds.merge(k, 1, Integer::sum);
            }
            if (kinds.size() == 1) return kinds.keySet().iterator().next() + (t.nrLlcs() > 1 ? " each" : "");
            List<String> parts = new ArrayList<>();
            kinds.forEach((k, n) -> parts.add(n + " x " + k));
            return String.join("; ", parts);
        }

        private static String clusterSummary(Topology t) {
            if (!t.hasClusters()) return "none";
            Map<Integer, Integer> bySize = new TreeMap<>();
            for (int k = 0; k < t.nrClusters(); k++) {
                CpuSet s = t.clusterSpan(k);
                int cores = (int) Arrays.stream(s.toArray()).map(t::coreOf).distinct().count();
                if (cores > 1) bySize.merge(cores, 1, Integer::sum);
            }
            List<String> parts = new ArrayList<>();
            bySize.forEach((cores, n) -> parts.add(n + " of " + cores + " cores"));
            return String.join(", ", parts) + " sharing an L2";
        }

        static String bytes(long b) {
            String[] units = {"B", "KiB", "MiB", "GiB"};
            double v = b;
            int u = 0;
            while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
            String n = v == Math.rint(v) ? String.valueOf((long) v) : String.format("%.2f", v).replaceAll("0+$", "");
            return n + " " + units[u];
        }

        private static Map<Integer, Integer> capacities(Topology t) {
            Map<Integer, Integer> m = new TreeMap<>((a, b) -> Integer.compare(b, a));
            for (int i = 0; i < t.nrCpus(); i++) m.merge(t.capacityOf(i), 1, Integer::sum);
            return m;
        }

        /** A CPU set in OS numbering as a cpulist. */
        static String osList(Topology t, CpuSet s) {
            // OS numbers ascend from 0: they are the dense ids exactly when the last one is
            if (t.osIndex(t.nrCpus() - 1) == t.nrCpus() - 1) return s.toString();
            int max = t.osIndex(t.nrCpus() - 1);
            CpuSet os = new CpuSet(max + 1);
            for (int i = s.first(); i >= 0; i = s.nextSetBit(i + 1)) os.set(t.osIndex(i));
            return os.toString();
        }

        // ------------------------------------------------------------------------------------ JSON

        private static Map<String, Object> toJson(Topology t, SchedDomains sds, int c) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            m.put("vendor", t.vendor());
            m.put("pus", t.nrCpus());
            m.put("cores", t.nrCores());
            m.put("llcs", t.nrLlcs());
            m.put("dies", t.nrDies());
            m.put("numa_nodes", t.nrNodes());
            List<Map<String, Object>> nodes = new ArrayList<>();
            for (int a = 0; a < t.nrNodes(); a++) {
                Map<String, Object> node = new LinkedHashMap<>();
                node.put("node", a);
                node.put("cpus", osList(t, t.nodeSpan(a)));
                node.put("weight", t.nodeSpan(a).cardinality());
                nodes.add(node);
            }
            m.put("nodes", nodes);
            m.put("packages", t.nrPackages());
            m.put("smt", t.smt());
            m.put("clusters", t.hasClusters() ? t.nrClusters() : 0);
            List<Long> llcBytes = new ArrayList<>();
            for (int l = 0; l < t.nrLlcs(); l++) llcBytes.add(t.llcBytes(l));
            m.put("llc_bytes", llcBytes);
            if (t.hasMixedPerformance()) {
                Map<String, Integer> caps = new LinkedHashMap<>();
                capacities(t).forEach((cap, n) -> caps.put(String.valueOf(cap), n));
                m.put("capacities", caps);
                m.put("itmt", t.itmt());
            }
            int[][] d = new int[t.nrNodes()][t.nrNodes()];
            for (int a = 0; a < d.length; a++)
                for (int b = 0; b < d.length; b++) d[a][b] = t.nodeDistance(a, b);
            m.put("distances", d);
            m.put("notes", t.notes());
            m.put("cpu", t.osIndex(c));
            List<Map<String, Object>> domains = new ArrayList<>();
            for (SchedDomain sd : sds.of(c)) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("name", sd.name);
                x.put("span", osList(t, sd.span));
                x.put("weight", sd.spanWeight);
                List<String> groups = new ArrayList<>();
                for (int i = 0; i < sd.nrGroups(); i++) groups.add(osList(t, sd.group(i).span));
                x.put("groups", groups);
                String f = SchedDomain.flagNames(sd.flags);
                x.put("flags", f.isEmpty() ? List.of() : List.of(f.split(" ")));
                x.put("imbalance_pct", sd.imbalancePct);
                x.put("cache_nice_tries", sd.cacheNiceTries);
                x.put("min_interval_ms", sd.minIntervalMs);
                x.put("max_interval_ms", sd.maxIntervalMs);
                x.put("busy_factor", sd.busyFactor);
                x.put("imb_numa_nr", sd.imbNumaNr);
                if (sd.numaDistance > 0) x.put("numa_distance", sd.numaDistance);
                domains.add(x);
            }
            m.put("domains", domains);
            return m;
        }
    }
}
