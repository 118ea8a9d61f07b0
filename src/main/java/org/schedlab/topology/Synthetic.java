package org.schedlab.topology;

/** Parses {@code synthetic:packages=P,nodes=N,llcs=L,cores=C,smt=S} (every key optional, default 1). */
public final class Synthetic {
    private Synthetic() {}

    public static Topology parse(String spec) {
        String body = spec.startsWith("synthetic:") ? spec.substring("synthetic:".length()) : spec.equals("synthetic") ? "" : spec;
        RegularMachine m = new RegularMachine();
        m.name = spec;
        if (!body.isBlank()) {
            for (String kv : body.split(",")) {
                int eq = kv.indexOf('=');
                if (eq < 0) throw new TopologyException(spec + ": expected key=value, got '" + kv + "'");
                String k = kv.substring(0, eq).trim(), v = kv.substring(eq + 1).trim();
                int n;
                try {
                    n = Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    throw new TopologyException(spec + ": value of '" + k + "' must be a positive integer, got '" + v + "'");
                }
                if (n <= 0) throw new TopologyException(spec + ": value of '" + k + "' must be a positive integer, got " + n);
                switch (k) {
                    case "packages": m.packages = n; break;
                    case "nodes": m.nodesPerPackage = n; break;
                    case "llcs": m.llcsPerNode = n; break;
                    case "cores": m.coresPerLlc = n; break;
                    case "smt": m.smt = n; break;
                    case "distance": m.remoteDistance = n; break;
                    default:
                        throw new TopologyException(spec + ": unknown key '" + k + "', expected packages, nodes, llcs, cores, smt or distance");
                }
            }
        }
        return m.build();
    }
}
