package org.schedlab.calibrate;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
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

    /** Median ns per pipe round trip between two threads on CPUs {@code a} and {@code b} (-1: unpinned). */
    public static double pipeRoundTripNs(int a, int b, long budgetNs) throws IOException, InterruptedException {
        Pipe ping = Pipe.open(), pong = Pipe.open();
        long[] batches = new long[Math.max(3, (int) Math.min(15, budgetNs / 20_000_000L))];
        int perBatch = 2000;
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
                for (int round = -1; round < batches.length; round++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < perBatch; i++) {
                        buf.clear();
                        buf.putInt(0, i).position(0);
                        while (buf.hasRemaining()) ping.sink().write(buf);
                        buf.clear();
                        while (buf.hasRemaining()) pong.source().read(buf);
                    }
                    if (round >= 0) batches[round] = System.nanoTime() - t0;
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
        return median(batches) / perBatch;
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
     * Median ns for one cache line to travel from CPU {@code a} to {@code b}: half a round trip of two threads
     * spinning on one {@link AtomicLong}, each waiting for the other's increment. Meaningful only when both
     * threads run at once, i.e. pinned to two different CPUs.
     */
    public static double lineTransferNs(int a, int b, long budgetNs) throws InterruptedException {
        AtomicLong line = new AtomicLong();
        int perBatch = 20_000;
        long[] batches = new long[Math.max(3, (int) Math.min(9, budgetNs / 10_000_000L))];
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
        try {
            pin(a);
        } catch (IOException e) {
            // measured unpinned
        }
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
        other.join(1000);
        return median(batches) / perBatch / 2;
    }

    /** Pins the calling thread to {@code cpu} (no-op for -1 or when pinning is unavailable). */
    static void pin(int cpu) throws IOException, InterruptedException {
        if (cpu < 0 || !canPin()) return;
        String self = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();
        String tid = self.substring(self.lastIndexOf('/') + 1);
        Commands.Result r = Commands.run(List.of("taskset", "-p", "-c", Integer.toString(cpu), tid), 5, TimeUnit.SECONDS);
        if (r.exit != 0) throw new IOException("taskset failed: " + r.err.strip());
    }

    static double median(long[] xs) {
        return Stats.median(Arrays.stream(xs).asDoubleStream().toArray());
    }
}
