package org.schedlab.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import org.schedlab.InputError;
import org.schedlab.Units;
import org.schedlab.metrics.ScheduleSink;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.Topology;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streams the simulated schedule to a Chrome/Perfetto trace-event JSON file
 * ({@code {"displayTimeUnit":"ns","otherData":{...},"traceEvents":[...]}}, open in ui.perfetto.dev).
 *
 * <p>Layout: one process per LLC ({@code pid = }{@link #pidBase} {@code + llc}, named after its package, node and
 * CPUs), one thread per CPU ({@code tid = cpu + 1}, named "CPU n"); every event but process metadata names both. Each task run on a CPU is a complete ({@code X}) slice named after the
 * task's comm with {@code args {pid, tgid, comm}}; idle time has no slice. Runqueue lengths are counters
 * ({@code C}) named "cpu n" with series {@code nr_running} on the CPU's thread, one event per change. Migrations are thread-scoped
 * instants on the destination CPU; balancing overheads (every kind not prefixed "kernel_ns.") are instants on the
 * charged CPU, those of one kind at one instant on one CPU merged into one event with {@code args {ns, count}}.
 *
 * <p>Timestamps are microseconds written with exactly three decimals, computed from integer nanoseconds, so
 * consecutive slices on a CPU never overlap. Only events overlapping the window {@code [from, to)} are written,
 * slices clipped to it; counters start at {@code from} with the runqueue lengths current then. Memory stays
 * proportional to CPUs plus tasks: events go to a temporary file next to the target as they happen and
 * {@link #finish} renames it into place, so readers never see a partial trace.
 */
public final class PerfettoWriter implements ScheduleSink, AutoCloseable {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final String KERNEL_PREFIX = "kernel_ns.";

    private final Path target;
    private final org.schedlab.AtomicFiles.Pending file;
    private final JsonGenerator g;
    private final long from, to;
    private final int pidBase;
    private final int[] groupOf;

    private final int[] curPid;
    private final String[] curComm;
    private final long[] curStart;

    private final int[] shownNr;
    private final long[] pendNrT;
    private final int[] pendNr;

    private final long[] pendOvhT;
    private final String[] pendOvhKind;
    private final long[] pendOvhNs;
    private final int[] pendOvhCount;

    private int[] tgidOf = new int[1024];
    private boolean opened;
    private boolean done;
    private long events;

    /**
     * Starts a trace of {@code topo} restricted to {@code [fromNs, toNs)}; {@code otherData} is written as the
     * trace's metadata object.
     */
    public PerfettoWriter(Path target, Topology topo, long fromNs, long toNs, Map<String, String> otherData) {
        if (fromNs < 0 || toNs <= fromNs) throw new IllegalArgumentException("empty window " + fromNs + "-" + toNs);
        this.target = target.toAbsolutePath();
        this.from = fromNs;
        this.to = toNs;
        int n = topo.nrCpus();
        pidBase = pidBase(n);
        groupOf = new int[n];
        for (int c = 0; c < n; c++) groupOf[c] = pidBase + topo.llcOf(c);
        curPid = new int[n];
        Arrays.fill(curPid, -1);
        curComm = new String[n];
        curStart = new long[n];
        shownNr = new int[n];
        pendNrT = new long[n];
        Arrays.fill(pendNrT, -1);
        pendNr = new int[n];
        pendOvhT = new long[n];
        Arrays.fill(pendOvhT, -1);
        pendOvhKind = new String[n];
        pendOvhNs = new long[n];
        pendOvhCount = new int[n];
        Path dir = this.target.getParent();
        // what a run killed with SIGKILL while writing this trace left behind
        if (dir != null && Files.isDirectory(dir))
            org.schedlab.AtomicFiles.removeStaleTemps(dir, java.util.Set.of(this.target.getFileName().toString()), true);
        file = org.schedlab.AtomicFiles.begin(target);
        try {
            OutputStream out = new BufferedOutputStream(file.out(), 1 << 16);
            g = FACTORY.createGenerator(out, JsonEncoding.UTF8);
            g.setPrettyPrinter(new OneEventPerLine());
        } catch (IOException e) {
            file.close();
            throw new InputError(target + ": cannot write: " + e.getMessage());
        }
        try {
            g.writeStartObject();
            g.writeStringField("displayTimeUnit", "ns");
            g.writeObjectFieldStart("otherData");
            for (Map.Entry<String, String> e : new TreeMap<>(otherData).entrySet()) g.writeStringField(e.getKey(), e.getValue());
            g.writeEndObject();
            g.writeArrayFieldStart("traceEvents");
            metadata(topo);
        } catch (IOException e) {
            abort();
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses a window "FROM-TO" (each side a duration, e.g. "0-100ms", "1s-1.5s"; a side without a unit takes
     * the other side's; an empty TO means the end of the run) into {@code {fromNs, toNs}}.
     */
    public static long[] parseWindow(String text) {
        Matcher m = Pattern.compile("\\s*([^-]*?)\\s*-\\s*(.*?)\\s*").matcher(text);
        String bad = "--window: expected FROM-TO such as 0-100ms, got '" + text + "'";
        if (!m.matches() || m.group(1).isEmpty()) throw new InputError(bad);
        String a = m.group(1), b = m.group(2);
        long toNs;
        if (b.isEmpty()) {
            toNs = Long.MAX_VALUE;
        } else {
            if (isBareNumber(b) && !isBareNumber(a)) b = b + unitOf(a);
            toNs = Units.parseDuration("--window", b);
        }
        if (isBareNumber(a) && !b.isEmpty() && !isBareNumber(b)) a = a + unitOf(b);
        long fromNs = Units.parseDuration("--window", a);
        if (toNs <= fromNs) throw new InputError("--window: the end must be after the start, got '" + text + "'");
        return new long[]{fromNs, toNs};
    }

    private static boolean isBareNumber(String s) { return s.matches("[0-9]*\\.?[0-9]+"); }

    private static String unitOf(String s) { return s.replaceFirst("^[0-9.eE+]*", ""); }

    private void metadata(Topology topo) throws IOException {
        for (int llc = 0; llc < topo.nrLlcs(); llc++) {
            CpuSet span = topo.llcSpan(llc);
            int first = span.first();
            if (first < 0) continue;
            String name = "package " + topo.packageOf(first) + " / node " + topo.nodeOf(first) + " / LLC " + llc
                    + " (CPUs " + span + ")";
            meta("process_name", pidBase + llc, 0, "name", name);
            meta("process_sort_index", pidBase + llc, 0, "sort_index", llc);
        }
        for (int c = 0; c < groupOf.length; c++) {
            meta("thread_name", groupOf[c], c + 1, "name", "CPU " + c);
            meta("thread_sort_index", groupOf[c], c + 1, "sort_index", c);
        }
    }

    private void meta(String what, int pid, int tid, String key, Object value) throws IOException {
        events++;
        g.writeStartObject();
        g.writeStringField("ph", "M");
        g.writeStringField("name", what);
        g.writeNumberField("pid", pid);
        if (tid > 0) g.writeNumberField("tid", tid);
        g.writeObjectFieldStart("args");
        if (value instanceof Integer) g.writeNumberField(key, (Integer) value);
        else g.writeStringField(key, value.toString());
        g.writeEndObject();
        g.writeEndObject();
    }

    // ---- ScheduleSink -----------------------------------------------------------------------------------------

    @Override public void switchTo(long t, int cpu, int pid, String comm) {
        advance(t);
        if (curPid[cpu] == pid) return;
        closeSlice(cpu, t);
        curPid[cpu] = pid;
        curComm[cpu] = comm;
        curStart[cpu] = t;
    }

    @Override public void migrate(long t, int pid, String comm, int fromCpu, int toCpu, String kind) {
        advance(t);
        if (t < from || t >= to) return;
        try {
            begin("i", "sched", "migrate " + comm + ":" + pid + " " + fromCpu + "->" + toCpu, toCpu, t);
            g.writeStringField("s", "t");
            g.writeObjectFieldStart("args");
            g.writeStringField("reason", kind);
            g.writeNumberField("pid", pid);
            g.writeNumberField("from", fromCpu);
            g.writeNumberField("to", toCpu);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override public void nrRunning(long t, int cpu, int n) {
        advance(t);
        if (pendNrT[cpu] >= 0 && pendNrT[cpu] != t) flushCounter(cpu);
        pendNrT[cpu] = t;
        pendNr[cpu] = n;
    }

    @Override public void overhead(long t, int cpu, String kind, long ns) {
        advance(t);
        if (kind.startsWith(KERNEL_PREFIX) || t < from || t >= to) return;
        if (pendOvhT[cpu] >= 0 && (pendOvhT[cpu] != t || !pendOvhKind[cpu].equals(kind))) flushOverhead(cpu);
        if (pendOvhT[cpu] < 0) {
            pendOvhT[cpu] = t;
            pendOvhKind[cpu] = kind;
            pendOvhNs[cpu] = 0;
            pendOvhCount[cpu] = 0;
        }
        pendOvhNs[cpu] += ns;
        pendOvhCount[cpu]++;
    }

    @Override public void taskName(int pid, int tgid, String comm) {
        if (pid < 0) return;
        if (pid >= tgidOf.length) tgidOf = Arrays.copyOf(tgidOf, Math.max(pid + 1, tgidOf.length * 2));
        tgidOf[pid] = tgid;
    }

    // ---- output -----------------------------------------------------------------------------------------------

    /** Events written so far (metadata included). */
    public long events() { return events; }

    /**
     * Closes the slices still running at {@code endNs} (the end of the simulation), completes the JSON and moves
     * the file into place. Nothing is written after this.
     */
    public void finish(long endNs) {
        if (done) throw new IllegalStateException("finished twice");
        try {
            long end = Math.max(endNs, 0);
            if (!opened && end > from) open();
            for (int c = 0; c < curPid.length; c++) {
                closeSlice(c, end);
                curPid[c] = -1;
                if (pendNrT[c] >= 0) flushCounter(c);
                if (pendOvhT[c] >= 0) flushOverhead(c);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeRaw('\n');
            g.close();
            file.commit();
            done = true;
        } catch (IOException e) {
            throw new InputError(target + ": cannot write: " + e.getMessage());
        } finally {
            if (!done) abort();
        }
    }

    /** Discards the trace unless {@link #finish} completed. */
    @Override public void close() {
        if (!done) abort();
    }

    private void abort() {
        done = true;
        try {
            g.close();
        } catch (IOException | RuntimeException ignored) {
            // the temporary file is removed below whatever state the generator is in
        }
        file.close();
    }

    /** Called with the time of every callback: on first reaching the window, writes the counters current then. */
    private void advance(long t) {
        if (!opened && t >= from) open();
    }

    private void open() {
        opened = true;
        for (int c = 0; c < shownNr.length; c++) {
            if (pendNrT[c] >= 0 && pendNrT[c] < from) {
                shownNr[c] = pendNr[c];
                pendNrT[c] = -1;
            }
            writeCounter(c, from, shownNr[c]);
        }
    }

    private void flushCounter(int c) {
        long t = pendNrT[c];
        pendNrT[c] = -1;
        if (t < from) {
            shownNr[c] = pendNr[c];
            return;
        }
        if (t >= to || pendNr[c] == shownNr[c]) return;
        shownNr[c] = pendNr[c];
        writeCounter(c, t, pendNr[c]);
    }

    private void writeCounter(int c, long t, int n) {
        try {
            begin("C", null, "cpu " + c, c, t);
            g.writeObjectFieldStart("args");
            g.writeNumberField("nr_running", n);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void flushOverhead(int c) {
        long t = pendOvhT[c];
        pendOvhT[c] = -1;
        try {
            begin("i", "balance", pendOvhKind[c], c, t);
            g.writeStringField("s", "t");
            g.writeObjectFieldStart("args");
            g.writeNumberField("ns", pendOvhNs[c]);
            g.writeNumberField("count", pendOvhCount[c]);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void closeSlice(int c, long end) {
        int pid = curPid[c];
        if (pid <= 0) return;
        long s = Math.max(curStart[c], from), e = Math.min(end, to);
        if (e <= s) return;
        try {
            begin("X", "sched", curComm[c], c, s);
            g.writeFieldName("dur");
            g.writeNumber(micros(e - s));
            g.writeObjectFieldStart("args");
            g.writeNumberField("pid", pid);
            g.writeNumberField("tgid", pid < tgidOf.length && tgidOf[pid] > 0 ? tgidOf[pid] : pid);
            g.writeStringField("comm", curComm[c]);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * First process id: a power of ten above every thread id, because importers take an event without a tid
     * (process metadata) as coming from thread {@code tid = pid} and must not mistake it for a CPU.
     */
    static int pidBase(int nrCpus) {
        int b = 1000;
        while (b <= nrCpus) b *= 10;
        return b;
    }

    /** Opens an event object with its common fields; {@code cpu < 0} leaves pid and tid to the caller. */
    private void begin(String ph, String cat, String name, int cpu, long t) throws IOException {
        events++;
        g.writeStartObject();
        g.writeStringField("ph", ph);
        if (cat != null) g.writeStringField("cat", cat);
        g.writeStringField("name", name);
        if (cpu >= 0) {
            g.writeNumberField("pid", groupOf[cpu]);
            g.writeNumberField("tid", cpu + 1);
        }
        g.writeFieldName("ts");
        g.writeNumber(micros(t));
    }

    /** Compact JSON with each element of the event array on its own line. */
    private static final class OneEventPerLine extends MinimalPrettyPrinter {
        @Override public void beforeArrayValues(JsonGenerator gen) throws IOException { gen.writeRaw('\n'); }

        @Override public void writeArrayValueSeparator(JsonGenerator gen) throws IOException { gen.writeRaw(",\n"); }

        @Override public void writeEndArray(JsonGenerator gen, int nrOfValues) throws IOException { gen.writeRaw("\n]"); }
    }

    /** {@code ns} as microseconds with exactly three decimals. */
    static String micros(long ns) {
        long us = ns / 1000, frac = ns % 1000;
        String f = Long.toString(frac);
        return us + "." + "000".substring(f.length()) + f;
    }
}
