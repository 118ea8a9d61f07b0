package org.schedlab.calibrate;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.schedlab.experiment.Stats;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The project's own probes of the running machine, in plain Java. Two threads ping-pong either a 4-byte token
 * through two {@link Pipe}s (kernel pipes on Linux: each hand-off is a pipe_write() waking a reader blocked in
 * pipe_read()) or a value in one shared cache line (spinning, never blocking). Each thread can be pinned to one
 * CPU by running {@code taskset -p -c CPU TID} on its own thread id, where {@code taskset} and
 * {@code /proc/thread-self} exist; otherwise it runs where the kernel puts it. Figures are medians of batches.
 */
public final class Probes {
    private Probes() {}

    /** Whether threads can be pinned: {@code taskset} on the PATH and {@code /proc/thread-self} readable. */
    public static boolean canPin() {
        return Commands.onPath("taskset") && Files.isSymbolicLink(Path.of("/proc/thread-self"));
    }

    /** Short batches of the two-CPU probes: at least this many, at most {@link #MAX_BATCHES}, within the budget. */
    static final int MIN_BATCHES = 9, MAX_BATCHES = 400;

    /**
     * ns per pipe round trip between two threads on CPUs {@code a} and {@code b} (-1: unpinned): the lower
     * quartile of batches of 200 round trips run until the budget is spent. Other programs only lengthen a batch
     * (a thread that waits for its CPU), so on a busy host the batches they do not touch give the figure.
     */
    public static double pipeRoundTripNs(int a, int b, long budgetNs) throws IOException, InterruptedException {
        Pipe ping = Pipe.open(), pong = Pipe.open();
        long[] batches = new long[MAX_BATCHES];
        int[] done = new int[1];
        int perBatch = 200;
        CountDownLatch ready = new CountDownLatch(1);
        Thread echo = new Thread(() -> {
            try {
                pin(b);
                ready.countDown();
                ByteBuffer buf = ByteBuffer.allocate(4);
                while (true) {
                    buf.clear();
                    while (buf.hasRemaining()) if (ping.source().read(buf) < 0) return;
                    if (buf.getInt(0) < 0) return;
                    buf.flip();
                    while (buf.hasRemaining()) pong.sink().write(buf);
                }
            } catch (IOException | InterruptedException e) {
                // the measuring thread sees the pipe close
            }
        }, "probe-echo");
        echo.setDaemon(true);
        echo.start();
        ready.await();
        long[] result = new long[1];
        Thread measure = new Thread(() -> {
            try {
                pin(a);
                ByteBuffer buf = ByteBuffer.allocate(4);
                long end = Long.MAX_VALUE;
                for (int round = -1; round < MAX_BATCHES && (round < MIN_BATCHES || System.nanoTime() < end); round++) {
                    long t0 = System.nanoTime();
                    if (round == 0) end = t0 + budgetNs;
                    for (int i = 0; i < perBatch; i++) {
                        buf.clear();
                        buf.putInt(0, i).position(0);
                        while (buf.hasRemaining()) ping.sink().write(buf);
                        buf.clear();
                        while (buf.hasRemaining()) pong.source().read(buf);
                    }
                    if (round >= 0) batches[done[0]++] = System.nanoTime() - t0;
                }
                buf.clear();
                buf.putInt(0, -1).position(0);
                ping.sink().write(buf);
            } catch (IOException | InterruptedException e) {
                result[0] = -1;
            }
        }, "probe-ping");
        measure.start();
        measure.join();
        echo.join(1000);
        ping.sink().close(); ping.source().close(); pong.sink().close(); pong.source().close();
        if (result[0] < 0) throw new IOException("pipe probe failed");
        return lowerQuartile(java.util.Arrays.copyOf(batches, done[0])) / perBatch;
    }

    /** Median ns of one write and one read of a 4-byte token on a pipe nobody else waits on (no wakeup). */
    public static double pipeSelfNs(long budgetNs) throws IOException {
        Pipe p = Pipe.open();
        ByteBuffer buf = ByteBuffer.allocate(4);
        long[] batches = new long[Math.max(3, (int) Math.min(15, budgetNs / 5_000_000L))];
        int perBatch = 5000;
        for (int round = -1; round < batches.length; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < perBatch; i++) {
                buf.clear();
                while (buf.hasRemaining()) p.sink().write(buf);
                buf.clear();
                while (buf.hasRemaining()) p.source().read(buf);
            }
            if (round >= 0) batches[round] = System.nanoTime() - t0;
        }
        p.sink().close();
        p.source().close();
        return median(batches) / perBatch;
    }

    /**
     * ns for one cache line to travel from CPU {@code a} to {@code b}: half a round trip of two threads spinning on
     * one {@link AtomicLong}, each waiting for the other's increment; the lower quartile of batches of 1000 round
     * trips (about a millisecond each), as many as the budget allows. A thread that loses its CPU to another
     * program stalls the batch it is in, so on a busy host the batches nobody stalled give the figure. Meaningful
     * only when both threads run at once, i.e. pinned to two different CPUs.
     */
    public static double lineTransferNs(int a, int b, long budgetNs) throws InterruptedException {
        AtomicLong line = new AtomicLong();
        int perBatch = 1000;
        long[] batches = new long[Math.max(MIN_BATCHES, (int) Math.min(MAX_BATCHES, budgetNs / 1_000_000L))];
        long total = (long) perBatch * (batches.length + 1);
        long deadline = System.nanoTime() + Math.max(budgetNs * 4, 200_000_000L);
        boolean[] late = new boolean[1];
        Thread other = new Thread(() -> {
            try {
                pin(b);
            } catch (IOException | InterruptedException e) {
                return;
            }
            for (long v = 1; v < 2 * total; v += 2) {
                while (line.get() != v) if ((v & 1023) == 1 && System.nanoTime() > deadline) { late[0] = true; return; }
                line.set(v + 1);
            }
        }, "probe-line");
        other.setDaemon(true);
        other.start();
        Pinned caller = Pinned.NONE;
        try {
            caller = pinCaller(a);
        } catch (IOException e) {
            // measured unpinned
        }
        try {
            long v = 0;
            for (int round = -1; round < batches.length; round++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < perBatch; i++) {
                    line.set(v + 1);
                    v += 2;
                    while (line.get() != v) if (late[0] || System.nanoTime() > deadline) return Double.NaN;
                }
                if (round >= 0) batches[round] = System.nanoTime() - t0;
            }
        } finally {
            caller.close();
        }
        other.join(1000);
        return lowerQuartile(batches) / perBatch / 2;
    }

    /** A connected pair of unix stream sockets (what socketpair() gives hackbench), bound in a temporary directory. */
    static final class UnixPair implements AutoCloseable {
        final SocketChannel writer, reader;
        private final Path dir;

        UnixPair() throws IOException {
            dir = Files.createTempDirectory("schedlab-probe");
            Path sock = dir.resolve("s");
            try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                server.bind(UnixDomainSocketAddress.of(sock));
                writer = SocketChannel.open(UnixDomainSocketAddress.of(sock));
                reader = server.accept();
            } finally {
                Files.deleteIfExists(sock);
            }
        }

        @Override public void close() throws IOException {
            writer.close();
            reader.close();
            Files.deleteIfExists(dir);
        }
    }

    private static void writeMessage(SocketChannel ch, ByteBuffer b) throws IOException {
        b.clear();
        while (b.hasRemaining()) ch.write(b);
    }

    private static void readMessage(SocketChannel ch, ByteBuffer b) throws IOException {
        b.clear();
        while (b.hasRemaining()) if (ch.read(b) < 0) throw new IOException("probe socket closed");
    }

    /**
     * Median ns of one write and of one read of a {@code bytes}-byte message on unix stream sockets, by one thread
     * pinned to {@code cpu}: {@code depth} messages written to each of {@code sockets} connected pairs in turn, then
     * all read back in the same order; nobody waits, so no wakeup. With one socket and a small depth the buffers
     * stay in cache; with hackbench's 20 sockets holding hundreds of messages each they do not. Includes the JVM's
     * own per-call overhead.
     */
    public static double[] socketSelfNs(int cpu, int bytes, int sockets, int depth, long budgetNs) throws IOException, InterruptedException {
        int perRound = sockets * depth, repeats = Math.max(1, 4096 / perRound);
        long[] sends = new long[Math.max(3, (int) Math.min(15, budgetNs / 5_000_000L))];
        long[] recvs = new long[sends.length];
        ByteBuffer out = ByteBuffer.allocateDirect(bytes), in = ByteBuffer.allocateDirect(bytes);
        long[] res = new long[2];
        Thread t = new Thread(() -> {
            UnixPair[] pairs = new UnixPair[sockets];
            try {
                for (int k = 0; k < sockets; k++) pairs[k] = new UnixPair();
                pin(cpu);
                for (int round = -4; round < sends.length; round++) {
                    long w = 0, r = 0;
                    for (int rep = 0; rep < repeats; rep++) {
                        long t0 = System.nanoTime();
                        for (int d = 0; d < depth; d++) for (UnixPair p : pairs) writeMessage(p.writer, out);
                        long t1 = System.nanoTime();
                        for (int d = 0; d < depth; d++) for (UnixPair p : pairs) readMessage(p.reader, in);
                        long t2 = System.nanoTime();
                        w += t1 - t0;
                        r += t2 - t1;
                    }
                    if (round >= 0) {
                        sends[round] = w;
                        recvs[round] = r;
                    }
                }
            } catch (IOException | InterruptedException e) {
                res[0] = -1;
            } finally {
                for (UnixPair p : pairs) {
                    try {
                        if (p != null) p.close();
                    } catch (IOException e) {
                        res[0] = -1;
                    }
                }
            }
        }, "probe-socket");
        t.start();
        t.join();
        if (res[0] < 0) throw new IOException("socket probe failed");
        long n = (long) perRound * repeats;
        return new double[]{median(sends) / n, median(recvs) / n};
    }

    /**
     * Median ns of CPU work per {@code bytes}-byte message streamed through a unix socket from a writer pinned to
     * {@code a} to a reader pinned to {@code b}, both running at once: the writer keeps 1–32 messages in flight and
     * the reader reads only what was written (flow control in user space), so neither blocks in the kernel. Each
     * side's busy time is its wall time minus its spinning; the figure is the sum of both sides per message.
     */
    public static double socketStreamNs(int a, int b, int bytes, long budgetNs) throws IOException, InterruptedException {
        int perRound = 10_000, window = 32;
        int rounds = Math.max(3, (int) Math.min(9, budgetNs / 20_000_000L));
        long total = (long) perRound * (rounds + 2);
        AtomicLong written = new AtomicLong(), read = new AtomicLong();
        long[] readerBusy = new long[rounds + 2], writerBusy = new long[rounds + 2];
        boolean[] failed = new boolean[1];
        long deadline = System.nanoTime() + Math.max(budgetNs * 4, 2_000_000_000L);
        try (UnixPair pair = new UnixPair()) {
            Thread reader = new Thread(() -> {
                ByteBuffer in = ByteBuffer.allocateDirect(bytes);
                try {
                    pin(b);
                    for (int round = 0; round < rounds + 2; round++) {
                        long start = System.nanoTime(), spin = 0;
                        for (int i = 0; i < perRound; i++) {
                            long n = (long) round * perRound + i;
                            if (written.get() <= n) {
                                long s0 = System.nanoTime();
                                while (written.get() <= n) if (failed[0] || System.nanoTime() > deadline) { failed[0] = true; return; }
                                spin += System.nanoTime() - s0;
                            }
                            readMessage(pair.reader, in);
                            read.lazySet(n + 1);
                        }
                        readerBusy[round] = System.nanoTime() - start - spin;
                    }
                } catch (IOException | InterruptedException e) {
                    failed[0] = true;
                }
            }, "probe-socket-reader");
            reader.start();
            ByteBuffer out = ByteBuffer.allocateDirect(bytes);
            Pinned writer = Pinned.NONE;
            try {
                writer = pinCaller(a);
                for (int round = 0; round < rounds + 2 && !failed[0]; round++) {
                    long start = System.nanoTime(), spin = 0;
                    for (int i = 0; i < perRound; i++) {
                        long n = (long) round * perRound + i;
                        if (n - read.get() >= window) {
                            long s0 = System.nanoTime();
                            while (n - read.get() >= window) if (failed[0] || System.nanoTime() > deadline) { failed[0] = true; break; }
                            spin += System.nanoTime() - s0;
                        }
                        if (failed[0]) break;
                        writeMessage(pair.writer, out);
                        written.lazySet(n + 1);
                    }
                    writerBusy[round] = System.nanoTime() - start - spin;
                }
            } finally {
                writer.close();
                reader.join(5000);
            }
            if (failed[0] || read.get() < total) throw new IOException("socket stream probe did not finish");
        }
        long[] busy = new long[rounds];
        for (int r = 0; r < rounds; r++) busy[r] = writerBusy[r + 2] + readerBusy[r + 2];
        return median(busy) / perRound;
    }

    /**
     * Median ns per message when threads pinned to {@code a} and {@code b} use one unix socket at once, each in
     * batches of 16 writes followed by 16 reads (every read takes one whole message, so the stream stays
     * consistent): what a socket written by senders on several CPUs costs. Per thread, wall time per message.
     */
    public static double socketSharedNs(int a, int b, int bytes, long budgetNs) throws IOException, InterruptedException {
        int batch = 16, perRound = 8192;
        int rounds = Math.max(3, (int) Math.min(9, budgetNs / 40_000_000L));
        long[][] perThread = new long[2][rounds + 3];
        boolean[] failed = new boolean[1];
        try (UnixPair pair = new UnixPair()) {
            CountDownLatch pinned = new CountDownLatch(2);
            Thread[] ts = new Thread[2];
            int[] cpus = {a, b};
            for (int k = 0; k < 2; k++) {
                int me = k;
                ts[k] = new Thread(() -> {
                    ByteBuffer out = ByteBuffer.allocateDirect(bytes), in = ByteBuffer.allocateDirect(bytes);
                    try {
                        pin(cpus[me]);
                        pinned.countDown();
                        pinned.await();
                        for (int round = 0; round < rounds + 3; round++) {
                            long t0 = System.nanoTime();
                            for (int i = 0; i < perRound; i += batch) {
                                for (int j = 0; j < batch; j++) writeMessage(pair.writer, out);
                                for (int j = 0; j < batch; j++) readMessage(pair.reader, in);
                            }
                            perThread[me][round] = System.nanoTime() - t0;
                        }
                    } catch (IOException | InterruptedException e) {
                        failed[0] = true;
                    }
                }, "probe-socket-shared-" + k);
                ts[k].start();
            }
            for (Thread t : ts) t.join();
        }
        if (failed[0]) throw new IOException("shared socket probe failed");
        long[] both = new long[2 * rounds];
        for (int k = 0; k < 2; k++) for (int r = 0; r < rounds; r++) both[k * rounds + r] = perThread[k][r + 3];
        return median(both) / perRound;
    }

    /**
     * Pins the calling thread to {@code cpu} until closed, then gives it back the CPUs it had: the tools calibrate
     * starts afterwards inherit the caller's affinity.
     */
    static Pinned pinCaller(int cpu) throws IOException, InterruptedException {
        String before = null;
        if (cpu >= 0 && canPin()) {
            Commands.Result r = Commands.run(List.of("taskset", "-p", "-c", selfTid()), 5, TimeUnit.SECONDS);
            int colon = r.out.lastIndexOf(':');
            if (r.exit != 0 || colon < 0) throw new IOException("taskset failed: " + r.err.strip());
            before = r.out.substring(colon + 1).strip();
            pin(cpu);
        }
        return before == null ? Pinned.NONE : new Pinned(before);
    }

    /** The calling thread's pinning; closing it restores the affinity it had before. */
    static final class Pinned implements AutoCloseable {
        /** Nothing pinned, nothing to give back. */
        static final Pinned NONE = new Pinned(null);
        private final String cpus;

        private Pinned(String cpus) { this.cpus = cpus; }

        @Override
        public void close() {
            if (cpus == null) return;
            try {
                Commands.Result r = Commands.run(List.of("taskset", "-p", "-c", cpus, selfTid()), 5, TimeUnit.SECONDS);
                if (r.exit != 0) throw new IllegalStateException("taskset could not restore CPUs " + cpus + ": " + r.err.strip());
            } catch (IOException e) {
                throw new IllegalStateException("taskset could not restore CPUs " + cpus + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String selfTid() throws IOException {
        String self = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();
        return self.substring(self.lastIndexOf('/') + 1);
    }

    /** Pins the calling thread to {@code cpu} (no-op for -1 or when pinning is unavailable). */
    static void pin(int cpu) throws IOException, InterruptedException {
        if (cpu < 0 || !canPin()) return;
        Commands.Result r = Commands.run(List.of("taskset", "-p", "-c", Integer.toString(cpu), selfTid()), 5, TimeUnit.SECONDS);
        if (r.exit != 0) throw new IOException("taskset failed: " + r.err.strip());
    }

    static double lowerQuartile(long[] xs) {
        return new Samples(Arrays.stream(xs).asDoubleStream().toArray()).quantile(0.25);
    }

    static double median(long[] xs) {
        return Stats.median(Arrays.stream(xs).asDoubleStream().toArray());
    }
}
