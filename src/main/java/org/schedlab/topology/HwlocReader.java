package org.schedlab.topology;

import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads hwloc XML (format versions 2 and 3, as written by {@code lstopo --of xml}) into a {@link Topology}.
 * PUs become CPUs (by os_index); cores, caches, dies and packages come from the object tree, NUMA nodes from the
 * NUMANode memory children and their cpusets, capacities from the CPU kinds. Any bad input, however malformed,
 * ends in a {@link TopologyException} with one line {@code <file>:<line>:<col>: <problem>} (or
 * {@code <file>: <problem>} when no single element is at fault); no other exception escapes.
 */
public final class HwlocReader {
    /** The largest hwloc XML file read (a capture of a 65536-CPU machine is about 30 MiB). */
    public static final long MAX_BYTES = 64 * org.schedlab.InputFiles.MiB;
    /** Highest CPU count accepted. */
    static final int MAX_CPUS = Topology.MAX_CPUS;
    /** Capacity given to the least performant CPU kind of a hybrid part (an estimate: E-core ≈ 62 % of a P-core). */
    static final int LOW_KIND_CAPACITY = 640;

    private static final Pattern VERSION = Pattern.compile("[23](\\.[0-9]+)*");
    private static final Pattern CACHE = Pattern.compile("L([1-9])Cache");

    private HwlocReader() {}

    /** One XML element with where it started in the file. */
    private static final class El {
        final String tag;
        final Map<String, String> attrs;
        final int line, col;
        final El parent;
        final List<El> kids = new ArrayList<>();
        StringBuilder text;

        El(String tag, Map<String, String> attrs, int line, int col, El parent) {
            this.tag = tag;
            this.attrs = attrs;
            this.line = line;
            this.col = col;
            this.parent = parent;
        }

        String attr(String name) { return attrs.get(name); }
        boolean isObject(String type) { return tag.equals("object") && type.equals(attrs.get("type")); }
        String type() { return tag.equals("object") ? attrs.get("type") : null; }
    }

    public static Topology read(Path file, TopologySources.Options opts) {
        El root = parse(file);
        return new Reader(file, root).read(opts);
    }

    // ------------------------------------------------------------------------------------------ XML parsing

    private static final class Handler extends DefaultHandler {
        Locator locator;
        El root;
        final Deque<El> open = new ArrayDeque<>();

        @Override public void setDocumentLocator(Locator l) { this.locator = l; }

        @Override public InputSource resolveEntity(String publicId, String systemId) {
            return new InputSource(new StringReader(""));
        }

        int line() { return locator == null ? 0 : locator.getLineNumber(); }
        int col() { return locator == null ? 0 : locator.getColumnNumber(); }

        @Override public void startElement(String uri, String localName, String qName, Attributes a) {
            Map<String, String> attrs = new LinkedHashMap<>();
            for (int i = 0; i < a.getLength(); i++) attrs.put(a.getQName(i), a.getValue(i));
            El parent = open.peek();
            El e = new El(qName, attrs, line(), col(), parent);
            if (parent == null) root = e;
            else parent.kids.add(e);
            if (qName.equals("indexes") || qName.equals("u64values")) e.text = new StringBuilder();
            open.push(e);
        }

        @Override public void endElement(String uri, String localName, String qName) { open.pop(); }

        @Override public void characters(char[] ch, int start, int length) {
            El e = open.peek();
            if (e != null && e.text != null) e.text.append(ch, start, length);
        }
    }

    private static El parse(Path file) {
        SAXParserFactory f = SAXParserFactory.newInstance();
        f.setNamespaceAware(false);
        f.setValidating(false);
        Handler h = new Handler();
        try {
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            SAXParser p = f.newSAXParser();
            try (InputStream in = new BufferedInputStream(org.schedlab.InputFiles.open(file, "an hwloc XML file", MAX_BYTES))) {
                InputSource src = new InputSource(in);
                src.setSystemId(file.toAbsolutePath().toUri().toString());
                p.parse(src, h);
            }
        } catch (SAXParseException e) {
            org.schedlab.InputError limit = org.schedlab.InputFiles.limitError(e);
            if (limit != null) throw new TopologyException(limit.getMessage(), e);
            throw at(file, e.getLineNumber(), e.getColumnNumber(),
                    "malformed XML: " + oneLine(String.valueOf(e.getMessage())).replaceAll("\\.$", "")
                            + "; expected a complete hwloc XML document");
        } catch (SAXException | ParserConfigurationException e) {
            org.schedlab.InputError limit = org.schedlab.InputFiles.limitError(e);
            if (limit != null) throw new TopologyException(limit.getMessage(), e);
            throw at(file, h.line(), h.col(), "cannot parse XML: " + oneLine(String.valueOf(e.getMessage())));
        } catch (IOException e) {
            org.schedlab.InputError limit = org.schedlab.InputFiles.limitError(e);
            if (limit != null) throw new TopologyException(limit.getMessage(), e);
            String why = e.getClass().getSimpleName() + ": " + oneLine(String.valueOf(e.getMessage()));
            if (h.locator == null) throw new TopologyException(file + ": cannot read (" + why + ")", e);
            throw at(file, h.line(), h.col(), "cannot read (" + why + "), expected a UTF-8 hwloc XML document");
        } catch (TopologyException e) {
            throw e;
        } catch (org.schedlab.InputError e) {
            throw new TopologyException(e.getMessage(), e);
        } catch (RuntimeException e) {
            // the JDK parser occasionally reports broken input through unchecked exceptions
            throw at(file, h.line(), h.col(), "unreadable XML (" + oneLine(e.toString()) + ")");
        }
        if (h.root == null) throw at(file, 1, 1, "empty document, expected <topology version=\"2.0\"> or 3.x");
        return h.root;
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s+", " ").trim();
    }

    private static TopologyException at(Path file, int line, int col, String what) {
        return new TopologyException(file + ":" + line + ":" + col + ": " + what);
    }

    // ------------------------------------------------------------------------------------------ cpusets

    /**
     * Parses an hwloc bitmap: comma-separated 32-bit hex words, most significant first, an empty word meaning 0
     * ("0xffffffff,,0x000000ff"); a leading "0xf...f" sets every higher bit up to {@link #MAX_CPUS}.
     *
     * @throws IllegalArgumentException describing what is wrong
     */
    static BitSet parseBitmap(String s) {
        BitSet b = new BitSet();
        String t = s.trim();
        if (t.isEmpty()) return b;
        String[] words = t.split(",", -1);
        if (words.length > MAX_CPUS / 32 + 1)
            throw new IllegalArgumentException(words.length + " words, at most " + (MAX_CPUS / 32) + " supported");
        for (int i = 0; i < words.length; i++) {
            String w = words[i].trim();
            int shift = (words.length - 1 - i) * 32;
            if (w.isEmpty()) continue;
            if (i == 0 && w.equalsIgnoreCase("0xf...f")) {
                if (shift < MAX_CPUS) b.set(shift, MAX_CPUS);
                continue;
            }
            if (!(w.startsWith("0x") || w.startsWith("0X")) || w.length() < 3 || w.length() > 10)
                throw new IllegalArgumentException("word '" + abbreviate(w) + "' is not a 32-bit hex number");
            long v;
            try {
                v = Long.parseLong(w.substring(2), 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("word '" + abbreviate(w) + "' is not a 32-bit hex number");
            }
            for (int bit = 0; bit < 32; bit++)
                if ((v & (1L << bit)) != 0) {
                    if (shift + bit >= MAX_CPUS)
                        throw new IllegalArgumentException("bit " + (shift + bit) + " set, at most " + MAX_CPUS + " CPUs supported");
                    b.set(shift + bit);
                }
        }
        return b;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    // ------------------------------------------------------------------------------------------ the tree

    private static final class Reader {
        final Path file;
        final El root;
        final List<El> pus = new ArrayList<>();
        final List<El> numaNodes = new ArrayList<>();
        final List<El> kinds = new ArrayList<>();
        final List<El> distanceEls = new ArrayList<>();
        final List<El> infos = new ArrayList<>();
        final Map<El, Integer> coresBelow = new IdentityHashMap<>();
        final Map<El, Long> labels = new IdentityHashMap<>();

        Reader(Path file, El root) {
            this.file = file;
            this.root = root;
        }

        TopologyException bad(El e, String what) { return at(file, e.line, e.col, what); }

        long label(El e) { return labels.computeIfAbsent(e, x -> (long) labels.size()); }

        Topology read(TopologySources.Options opts) {
            if (!root.tag.equals("topology"))
                throw bad(root, "root element <" + root.tag + ">, expected <topology version=\"2.0\"> (hwloc XML)");
            String version = root.attr("version");
            if (version == null)
                throw bad(root, "<topology> has no version attribute (hwloc 1.x format), expected version 2.x or 3.x; "
                        + "re-export with lstopo 2.0 or later");
            if (!VERSION.matcher(version.trim()).matches())
                throw bad(root, "unknown hwloc XML version '" + abbreviate(version) + "', expected 2.x or 3.x");
            collect();
            if (pus.isEmpty())
                throw bad(root, "no PU objects, expected <object type=\"PU\" os_index=\"N\" ...> for each logical CPU");

            String name = file.getFileName().toString();
            if (name.toLowerCase().endsWith(".xml")) name = name.substring(0, name.length() - 4);
            RawMachine m = new RawMachine(name, file.toString());
            m.vendor = vendor();
            m.family = infoNumber("CPUFamilyNumber");
            m.model = infoNumber("CPUModelNumber");
            int[] capacity = capacities(m);
            Map<Integer, El> seen = new HashMap<>();
            boolean noCache = false;
            for (El pu : pus) {
                int os = intAttr(pu, "os_index", 0, MAX_CPUS - 1, "PU");
                if (seen.put(os, pu) != null) throw bad(pu, "PU os_index " + os + " appears twice, expected each CPU once");
                El core = null, pkg = null, die = null, l2 = null, l3 = null, highest = null;
                int highestLevel = 0;
                for (El a = pu.parent; a != null; a = a.parent) {
                    String t = a.type();
                    if (t == null) continue;
                    switch (t) {
                        case "Core": if (core == null) core = a; break;
                        case "Package": if (pkg == null) pkg = a; break;
                        case "Die": if (die == null) die = a; break;
                        default:
                            var mc = CACHE.matcher(t);
                            if (mc.matches()) {
                                int level = mc.group(1).charAt(0) - '0';
                                if (level == 2 && l2 == null) l2 = a;
                                if (level == 3 && l3 == null) l3 = a;
                                if (level > highestLevel) { highestLevel = level; highest = a; }
                            }
                    }
                }
                if (core == null) core = pu;
                long pkgLabel = pkg == null ? -1 : label(pkg);
                El llc = l3 != null ? l3 : highest;
                long llcLabel;
                if (llc == null) {
                    noCache = true;
                    llcLabel = -2 - pkgLabel;
                } else {
                    llcLabel = label(llc);
                    m.llcBytes.put(llcLabel, cacheSize(llc));
                }
                long coreLabel = label(core);
                if (l2 != null) m.l2Bytes.put(coreLabel, cacheSize(l2));
                long cluster = l2 != null && l2 != llc && coresBelow(l2) > 1 ? label(l2) : TopologyBuilder.NONE;
                long dieLabel = die == null ? TopologyBuilder.NONE : label(die);
                long node = nodeOf(pu, os);
                m.cpus.add(new RawMachine.Cpu(os, pkgLabel, dieLabel, node, llcLabel, cluster, coreLabel,
                        capacity == null ? Topology.SCHED_CAPACITY_SCALE : capacity[os]));
            }
            if (noCache) m.notes.add(file + " has no cache objects above some CPUs; each package is taken as one LLC");
            distances(m);
            return m.build(opts);
        }

        /** Walks the tree once in document order, collecting PUs, NUMA nodes, CPU kinds, distances and infos. */
        void collect() {
            Deque<El> todo = new ArrayDeque<>();
            todo.push(root);
            while (!todo.isEmpty()) {
                El e = todo.pop();
                switch (e.tag) {
                    case "object": {
                        String t = e.attr("type");
                        if (t == null) throw bad(e, "<object> without a type attribute, expected type=\"PU\", \"Core\", ...");
                        if (t.equals("PU")) pus.add(e);
                        else if (t.equals("NUMANode")) numaNodes.add(e);
                        break;
                    }
                    case "cpukind": kinds.add(e); break;
                    case "distances2":
                    case "distances": distanceEls.add(e); break;
                    case "info": infos.add(e); break;
                    default: break;
                }
                for (int i = e.kids.size() - 1; i >= 0; i--) todo.push(e.kids.get(i));
            }
        }

        int coresBelow(El e) {
            Integer n = coresBelow.get(e);
            if (n != null) return n;
            int cores = 0, pus = 0;
            Deque<El> todo = new ArrayDeque<>(e.kids);
            while (!todo.isEmpty()) {
                El x = todo.pop();
                if (x.isObject("Core")) cores++;
                else if (x.isObject("PU") && !(x.parent != null && x.parent.isObject("Core"))) pus++;
                todo.addAll(x.kids);
            }
            coresBelow.put(e, cores + pus);
            return cores + pus;
        }

        int intAttr(El e, String name, int min, int max, String what) {
            String v = e.attr(name);
            if (v == null) throw bad(e, what + " object without " + name + ", expected " + name + "=\"N\"");
            try {
                int n = Integer.parseInt(v.trim());
                if (n < min || n > max) throw new NumberFormatException();
                return n;
            } catch (NumberFormatException ex) {
                throw bad(e, what + " " + name + " '" + abbreviate(v) + "', expected an integer in " + min + "-" + max);
            }
        }

        long cacheSize(El cache) {
            String v = cache.attr("cache_size");
            if (v == null) return 0;
            try {
                long n = Long.parseLong(v.trim());
                if (n < 0) throw new NumberFormatException();
                return n;
            } catch (NumberFormatException ex) {
                throw bad(cache, "cache_size '" + abbreviate(v) + "', expected a size in bytes");
            }
        }

        BitSet cpuset(El e) {
            String v = e.attr("cpuset");
            if (v == null) return new BitSet();
            try {
                return parseBitmap(v);
            } catch (IllegalArgumentException ex) {
                throw bad(e, "bad cpuset '" + abbreviate(v) + "' (" + ex.getMessage()
                        + "), expected comma-separated 32-bit hex words such as 0x000000ff,,0x00000001");
            }
        }

        /** The first info {@code name} with a decimal value (hwloc's CPUFamilyNumber, CPUModelNumber), or -1. */
        int infoNumber(String name) {
            for (El i : infos) {
                if (!name.equals(i.attr("name")) || i.attr("value") == null) continue;
                try {
                    return Integer.parseInt(i.attr("value").trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
            return -1;
        }

        /** The first x86 CPUVendor the kernel knows (see {@link X86Vendors}), else "Arm" for an Arm capture, else "unknown". */
        String vendor() {
            boolean arm = false;
            for (El i : infos) {
                String n = i.attr("name"), v = i.attr("value");
                if (n == null || v == null) continue;
                if (n.equals("CPUVendor")) {
                    String x86 = X86Vendors.byCpuidString(v);
                    if (x86 != null) return x86;
                }
                if (n.equals("CPUImplementer") || (n.equals("Architecture") && (v.startsWith("aarch64") || v.startsWith("arm"))))
                    arm = true;
            }
            return arm ? "Arm" : "unknown";
        }

        // ---------------------------------------------------------------------------------- NUMA

        Map<El, BitSet> nodeSets;

        /** The source node number of a PU: the node whose cpuset holds it, preferring ordinary memory. */
        long nodeOf(El pu, int os) {
            if (numaNodes.isEmpty()) return 0;
            if (nodeSets == null) {
                nodeSets = new IdentityHashMap<>();
                for (El n : numaNodes) {
                    intAttr(n, "os_index", 0, Integer.MAX_VALUE, "NUMANode");
                    nodeSets.put(n, cpuset(n));
                }
            }
            El best = null;
            for (El n : numaNodes) {
                if (!nodeSets.get(n).get(os)) continue;
                if (best == null || rank(n) < rank(best)) best = n;
            }
            if (best == null) throw bad(pu, "PU " + os + " is in no NUMANode's cpuset, expected every PU in one");
            return Long.parseLong(best.attr("os_index").trim());
        }

        /** Ordinary memory (no subtype, or DRAM) first, then by node number. */
        private long rank(El node) {
            String sub = node.attr("subtype");
            boolean special = sub != null && !sub.equalsIgnoreCase("DRAM");
            return (special ? 1L << 40 : 0) + Long.parseLong(node.attr("os_index").trim());
        }

        void distances(RawMachine m) {
            El chosen = null;
            for (El d : distanceEls) {
                if (d.tag.equals("distances2")) {
                    if (!"NUMANode".equals(d.attr("type"))) continue;
                    int kind = 0;
                    try {
                        kind = Integer.parseInt(String.valueOf(d.attr("kind")).trim());
                    } catch (NumberFormatException ignored) {
                        // kind is informative only
                    }
                    if ((kind & 8) != 0) continue;   // bandwidth, not latency
                    if (chosen == null || "NUMALatency".equals(d.attr("name"))) chosen = d;
                } else if (chosen == null) {
                    chosen = d;
                }
            }
            if (chosen == null) return;
            if (chosen.tag.equals("distances2")) distances2(chosen, m);
            else distancesV1(chosen, m);
        }

        private void distances2(El d, RawMachine m) {
            int n = intAttr(d, "nbobjs", 1, 4096, "distances2");
            List<Long> idx = numbers(d, "indexes");
            List<Long> val = numbers(d, "u64values");
            if (idx.size() != n) throw bad(d, "distances2 lists " + idx.size() + " indexes, expected nbobjs = " + n);
            if (val.size() != (long) n * n) throw bad(d, "distances2 has " + val.size() + " values, expected " + n + "x" + n);
            boolean gp = "gp".equals(d.attr("indexing"));
            Map<Long, Integer> gpToOs = new HashMap<>();
            if (gp) {
                for (El node : numaNodes) {
                    String g = node.attr("gp_index");
                    if (g == null) continue;
                    try {
                        gpToOs.put(Long.parseLong(g.trim()), intAttr(node, "os_index", 0, Integer.MAX_VALUE, "NUMANode"));
                    } catch (NumberFormatException e) {
                        throw bad(node, "NUMANode gp_index '" + abbreviate(g) + "', expected an integer");
                    }
                }
            }
            int[] nodes = new int[n];
            for (int i = 0; i < n; i++) {
                long x = idx.get(i);
                if (gp) {
                    Integer os = gpToOs.get(x);
                    if (os == null) throw bad(d, "distances2 index " + x + " is no NUMANode's gp_index");
                    nodes[i] = os;
                } else {
                    if (x > Integer.MAX_VALUE) throw bad(d, "distances2 index " + x + " is not a node number");
                    nodes[i] = (int) x;
                }
            }
            int[][] dist = new int[n][n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) dist[i][j] = (int) Math.min(Integer.MAX_VALUE, val.get(i * n + j));
            m.distanceNodes = nodes;
            m.distances = dist;
        }

        private void distancesV1(El d, RawMachine m) {
            int n = intAttr(d, "nbobjs", 1, 4096, "distances");
            double base = 1;
            String b = d.attr("latency_base");
            try {
                if (b != null) base = Double.parseDouble(b.trim());
            } catch (NumberFormatException e) {
                throw bad(d, "latency_base '" + abbreviate(b) + "', expected a number");
            }
            List<Double> vals = new ArrayList<>();
            for (El k : d.kids) {
                if (!k.tag.equals("latency")) continue;
                try {
                    vals.add(Double.parseDouble(String.valueOf(k.attr("value")).trim()));
                } catch (NumberFormatException e) {
                    throw bad(k, "latency value '" + abbreviate(String.valueOf(k.attr("value"))) + "', expected a number");
                }
            }
            if (vals.size() != (long) n * n) throw bad(d, "distances has " + vals.size() + " latencies, expected " + n + "x" + n);
            TreeSet<Integer> osNodes = new TreeSet<>();
            for (El node : numaNodes) osNodes.add(intAttr(node, "os_index", 0, Integer.MAX_VALUE, "NUMANode"));
            if (osNodes.size() != n) return;
            int[] nodes = osNodes.stream().mapToInt(Integer::intValue).toArray();
            int[][] dist = new int[n][n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) dist[i][j] = (int) Math.round(Math.min(1e9, base * vals.get(i * n + j)));
            m.distanceNodes = nodes;
            m.distances = dist;
        }

        private List<Long> numbers(El d, String childTag) {
            List<Long> out = new ArrayList<>();
            for (El k : d.kids) {
                if (!k.tag.equals(childTag) || k.text == null) continue;
                for (String tok : k.text.toString().trim().split("\\s+")) {
                    if (tok.isEmpty()) continue;
                    try {
                        long v = Long.parseUnsignedLong(tok);
                        out.add(v < 0 ? Long.MAX_VALUE : v);
                    } catch (NumberFormatException e) {
                        throw bad(k, "<" + childTag + "> value '" + abbreviate(tok) + "', expected an unsigned integer");
                    }
                }
            }
            return out;
        }

        // ---------------------------------------------------------------------------------- CPU kinds

        /** Capacity per CPU os index when the CPU kinds differ, else null. */
        int[] capacities(RawMachine m) {
            if (kinds.size() < 2) return null;
            int k = kinds.size();
            BitSet[] sets = new BitSet[k];
            Integer[] eff = new Integer[k];
            String[] coreType = new String[k];
            double[] freq = new double[k];
            boolean allEff = true, anyType = false, allFreq = true;
            for (int i = 0; i < k; i++) {
                El kind = kinds.get(i);
                sets[i] = cpuset(kind);
                String e = kind.attr("forced_efficiency");
                if (e == null) e = kind.attr("efficiency");
                if (e != null) {
                    try {
                        eff[i] = Integer.parseInt(e.trim());
                    } catch (NumberFormatException ex) {
                        throw bad(kind, "cpukind efficiency '" + abbreviate(e) + "', expected an integer");
                    }
                } else {
                    allEff = false;
                }
                for (El info : kind.kids) {
                    if (!info.tag.equals("info")) continue;
                    String n = info.attr("name"), v = info.attr("value");
                    if ("CoreType".equals(n) && v != null) { coreType[i] = v; anyType = true; }
                    if ("FrequencyMaxMHz".equals(n) && v != null) {
                        try {
                            freq[i] = Double.parseDouble(v.trim());
                        } catch (NumberFormatException ex) {
                            freq[i] = 0;
                        }
                    }
                }
                if (!(freq[i] > 0)) allFreq = false;
            }
            int[] capOfKind = new int[k];
            if (allEff || anyType) {
                TreeSet<Integer> ranks = new TreeSet<>();
                int[] score = new int[k];
                for (int i = 0; i < k; i++) {
                    score[i] = allEff ? eff[i] : ("IntelAtom".equals(coreType[i]) ? 0 : 1);
                    ranks.add(score[i]);
                }
                List<Integer> order = new ArrayList<>(ranks);
                for (int i = 0; i < k; i++) {
                    int r = order.indexOf(score[i]);
                    capOfKind[i] = order.size() == 1 ? Topology.SCHED_CAPACITY_SCALE
                            : LOW_KIND_CAPACITY + (Topology.SCHED_CAPACITY_SCALE - LOW_KIND_CAPACITY) * r / (order.size() - 1);
                }
            } else if (allFreq) {
                double max = 0;
                for (double f : freq) max = Math.max(max, f);
                for (int i = 0; i < k; i++)
                    capOfKind[i] = (int) Math.max(1, Math.round(Topology.SCHED_CAPACITY_SCALE * freq[i] / max));
            } else {
                m.notes.add(file + " lists CPU kinds without efficiency or frequency; every CPU gets capacity 1024");
                return null;
            }
            int[] cap = new int[MAX_CPUS];
            java.util.Arrays.fill(cap, Topology.SCHED_CAPACITY_SCALE);
            boolean differ = false;
            for (int i = 0; i < k; i++) {
                for (int c = sets[i].nextSetBit(0); c >= 0; c = sets[i].nextSetBit(c + 1)) cap[c] = capOfKind[i];
                if (capOfKind[i] != capOfKind[0]) differ = true;
            }
            if (!differ) return null;
            m.notes.add(file + ": CPU capacities estimated from hwloc CPU kinds (most performant kind 1024, least "
                    + LOW_KIND_CAPACITY + "), not measured");
            return cap;
        }
    }
}
