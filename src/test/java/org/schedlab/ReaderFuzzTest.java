package org.schedlab;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedlab.cost.CostProfile;
import org.schedlab.experiment.SweepFile;
import org.schedlab.topology.TopologySources;
import org.schedlab.workload.rtapp.RtAppReader;
import org.schedlab.workload.trace.ReplayOptions;
import org.schedlab.workload.trace.TraceModel;
import org.schedlab.workload.trace.TraceReader;
import org.schedlab.workload.trace.TraceReplay;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded mutations of real input files through every reader of a user's file (hwloc XML, rt-app JSON, traces, sweep
 * YAML, cost profiles): each mutant is accepted or refused with one {@link InputError} line; any other exception, an
 * error, or a read that does not end within {@link #HANG_SECONDS} is a failure, reported with the reader, the
 * mutation's index and the seed that rebuilds it. {@code -Dschedlab.fuzz.mutations=N} sets the total (at least
 * 10^5 by default); tagged {@code fuzz}, so the default test run leaves it out and {@code .ci/run} runs it.
 */
@Tag("fuzz")
class ReaderFuzzTest {
    static final long SEED = 0x5c4ed1abL;
    static final int HANG_SECONDS = 20;

    @TempDir Path tmp;

    /** A reader of one kind of input: the corpus it mutates and how it reads a mutant. */
    private record Reader(String name, List<byte[]> corpus, int share, Target read) {}

    @FunctionalInterface
    private interface Target {
        void read(byte[] mutant) throws Exception;
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = ReaderFuzzTest.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing test resource " + path);
            return in.readAllBytes();
        }
    }

    private static byte[] head(byte[] text, int lines) {
        int n = 0, i = 0;
        while (i < text.length && n < lines) if (text[i++] == '\n') n++;
        return Arrays.copyOf(text, i);
    }

    private List<Reader> readers() throws IOException {
        List<Reader> rs = new ArrayList<>();
        Path hwloc = tmp.resolve("t.xml"), sweep = tmp.resolve("s.yaml"), costs = tmp.resolve("c.yaml");
        rs.add(new Reader("hwloc", List.of(resource("/topologies/Intel-RaptorLake-Corei7-1370P.xml")), 10,
                m -> {
                    Files.write(hwloc, m);
                    TopologySources.resolve(hwloc.toString());
                }));
        List<byte[]> rtapp = new ArrayList<>();
        for (String f : new String[]{"browser-short", "camera-short", "features", "mp3-short", "spreading-tasks",
                "taskset", "video-long", "video-short"})
            rtapp.add(resource("/rtapp/" + f + ".json"));
        rs.add(new Reader("rt-app", rtapp, 30, m -> RtAppReader.parse("f.json", "f.json", m, Map.of(), 0)));
        List<byte[]> traces = List.of(resource("/traces/modern-trace.txt"), resource("/traces/perf-sched-script.txt"),
                head(resource("/traces/juno-trace.txt"), 300));
        rs.add(new Reader("trace", traces, 30, m -> {
            TraceModel model = TraceReader.parse("t.txt", "t.txt", m);
            if (!model.tasks().isEmpty()) TraceReplay.build(model, new ReplayOptions());
        }));
        List<byte[]> sweeps = new ArrayList<>();
        sweeps.add(resource("/fuzz/sweep-a.yaml"));
        sweeps.add(resource("/fuzz/sweep-b.yaml"));
        rs.add(new Reader("sweep", sweeps, 15, m -> {
            Files.write(sweep, m);
            SweepFile.load(sweep);
        }));
        List<byte[]> profiles = new ArrayList<>();
        try (InputStream in = CostProfile.class.getResourceAsStream(CostProfile.DEFAULT_RESOURCE)) {
            profiles.add(in.readAllBytes());
        }
        profiles.add(resource("/fuzz/host-profile.yaml"));
        rs.add(new Reader("cost profile", profiles, 15, m -> {
            Files.write(costs, m);
            CostProfile.load(costs);
        }));
        return rs;
    }

    /** What a mutant of reader {@code r} number {@code i} is: rebuilt from the seed alone. */
    static byte[] mutant(List<byte[]> corpus, long seed, int i) {
        Random rnd = new Random(seed * 1_000_003L + i);
        byte[] d = corpus.get(rnd.nextInt(corpus.size()));
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits; e++) d = Mutations.apply(d, rnd);
        return d;
    }

    @Test
    void everyMutantIsAcceptedOrRefusedInOneLineInBoundedTime() throws Exception {
        int total = Integer.getInteger("schedlab.fuzz.mutations", 100_000);
        List<Reader> readers = readers();
        int shares = readers.stream().mapToInt(Reader::share).sum();
        Map<String, int[]> tally = new LinkedHashMap<>();   // accepted, refused
        List<String> failures = new ArrayList<>();
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(null, r, "fuzz-reader", 16L << 20);
            t.setDaemon(true);
            return t;
        });
        int done = 0;
        try {
            for (int k = 0; k < readers.size(); k++) {
                Reader r = readers.get(k);
                int n = k == readers.size() - 1 ? total - done : total * r.share() / shares;
                int[] t = tally.computeIfAbsent(r.name(), x -> new int[2]);
                for (int i = 0; i < n && failures.size() < 20; i++) {
                    byte[] m = mutant(r.corpus(), SEED + k, i);
                    Future<?> f = worker.submit(() -> {
                        r.read().read(m);
                        return null;
                    });
                    try {
                        f.get(HANG_SECONDS, TimeUnit.SECONDS);
                        t[0]++;
                    } catch (ExecutionException e) {
                        Throwable c = e.getCause();
                        if (c instanceof InputError && c.getMessage() != null && !c.getMessage().contains("\n")) t[1]++;
                        else failures.add(r.name() + " mutant " + i + " (seed " + (SEED + k) + "): " + c
                                + (c.getStackTrace().length > 0 ? " at " + c.getStackTrace()[0] : ""));
                    } catch (TimeoutException e) {
                        failures.add(r.name() + " mutant " + i + " (seed " + (SEED + k) + "): no answer within "
                                + HANG_SECONDS + " s:\n" + new String(m, StandardCharsets.UTF_8));
                        break;
                    }
                }
                done += n;
            }
        } finally {
            worker.shutdownNow();
        }
        StringBuilder summary = new StringBuilder();
        tally.forEach((k, v) -> summary.append(k).append(": ").append(v[0]).append(" accepted, ").append(v[1])
                .append(" refused; "));
        System.out.println("reader fuzz: " + done + " mutations; " + summary);
        assertThat(failures).as(summary.toString()).isEmpty();
        assertThat(done).isGreaterThanOrEqualTo(total);
        for (int[] v : tally.values()) assertThat(v[0]).as("some mutants must still be accepted: " + summary).isPositive();
    }

    /** Byte-level edits that keep a text file plausible more often than random bytes would. */
    static final class Mutations {
        private Mutations() {}

        /** Fragments that stress readers: extreme numbers, syntax, YAML aliases and anchors, control bytes. */
        static final String[] TOKENS = {"-1", "0", "4294967296", "9223372036854775807", "99999999999999999999", "1e308",
                "-1e308", "1e400", "NaN", ".nan", ".inf", "\"", "'", "{", "}", "[", "]", ":", ",", "\n", "\r\n", "\t",
                "*a", "&a ", "<<: *a", "!!binary ", "---\n", "#", "<", ">", "</", "&amp;", "&#0;", "\u0000", "\u00ff",
                "\ufeff", "=", "==>", "prev_state=", "[000]", "1.000000:", "sched_switch:", "\"run\": ", "\"loop\": ",
                "\"instance\": 100000, ", "seeds: ", "duration: ", "tickNs: "};

        static byte[] apply(byte[] d, Random rnd) {
            int pos = d.length == 0 ? 0 : rnd.nextInt(d.length + 1);
            switch (rnd.nextInt(9)) {
                case 0: { // delete a run
                    int end = Math.min(d.length, pos + 1 + rnd.nextInt(64));
                    return cat(Arrays.copyOf(d, pos), Arrays.copyOfRange(d, end, d.length));
                }
                case 1: // insert a token
                    return insert(d, pos, TOKENS[rnd.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
                case 2: // insert random bytes
                    byte[] b = new byte[1 + rnd.nextInt(8)];
                    rnd.nextBytes(b);
                    return insert(d, pos, b);
                case 3: // truncate
                    return Arrays.copyOf(d, pos);
                case 4: { // overwrite a byte
                    if (pos >= d.length) return d;
                    byte[] c = d.clone();
                    c[pos] = (byte) rnd.nextInt(256);
                    return c;
                }
                case 5: { // change the next number: bump, negate, or make it huge
                    byte[] c = d.clone();
                    for (int i = pos; i < c.length; i++)
                        if (c[i] >= '0' && c[i] <= '9') {
                            int choice = rnd.nextInt(3);
                            if (choice == 0) c[i] = (byte) ('0' + rnd.nextInt(10));
                            else if (choice == 1) return insert(c, i, "-".getBytes(StandardCharsets.UTF_8));
                            else return insert(c, i, "999999999".getBytes(StandardCharsets.UTF_8));
                            return c;
                        }
                    return c;
                }
                case 6: { // duplicate a line (repeated keys and events)
                    int s = lineStart(d, pos), e = lineEnd(d, pos);
                    return insert(d, e, Arrays.copyOfRange(d, s, e));
                }
                case 7: { // move a line elsewhere
                    int s = lineStart(d, pos), e = lineEnd(d, pos);
                    byte[] line = Arrays.copyOfRange(d, s, e);
                    byte[] rest = cat(Arrays.copyOf(d, s), Arrays.copyOfRange(d, e, d.length));
                    return insert(rest, rest.length == 0 ? 0 : rnd.nextInt(rest.length + 1), line);
                }
                default: { // repeat a chunk many times (long lines, deep nesting, big lists)
                    int end = Math.min(d.length, pos + 1 + rnd.nextInt(16));
                    byte[] chunk = Arrays.copyOfRange(d, pos, end);
                    int times = 1 + rnd.nextInt(200);
                    byte[] many = new byte[chunk.length * times];
                    for (int t = 0; t < times; t++) System.arraycopy(chunk, 0, many, t * chunk.length, chunk.length);
                    return insert(d, pos, many);
                }
            }
        }

        private static int lineStart(byte[] d, int pos) {
            int s = Math.min(pos, d.length);
            while (s > 0 && d[s - 1] != '\n') s--;
            return s;
        }

        private static int lineEnd(byte[] d, int pos) {
            int e = Math.min(pos, d.length);
            while (e < d.length && d[e] != '\n') e++;
            return Math.min(d.length, e + 1);
        }

        private static byte[] insert(byte[] d, int pos, byte[] b) {
            return cat(cat(Arrays.copyOf(d, pos), b), Arrays.copyOfRange(d, pos, d.length));
        }

        private static byte[] cat(byte[] a, byte[] b) {
            byte[] c = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, c, a.length, b.length);
            return c;
        }
    }
}
