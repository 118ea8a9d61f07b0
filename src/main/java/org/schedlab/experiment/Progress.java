package org.schedlab.experiment;

import java.io.PrintWriter;
import java.util.function.IntFunction;

/**
 * Progress of a batch of runs on the error stream it is given (the command's stderr): a bar redrawn in place with
 * the count, percentage and estimated time left when stderr is a terminal ({@link System#console()} is not null),
 * otherwise optionally one line per completed run. Never writes to stdout, so results there are unaffected.
 */
public final class Progress {
    private static final int BAR = 30;
    private static final long REDRAW_NS = 100_000_000L;

    private final String label;
    private final PrintWriter err;
    private final boolean terminal;
    private final IntFunction<String> describe;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    private Progress(String label, PrintWriter err, boolean terminal, IntFunction<String> describe) {
        this.label = label;
        this.err = err;
        this.terminal = terminal;
        this.describe = describe;
    }

    /** A bar on {@code err} when stderr is a terminal, otherwise null (no output at all). */
    public static Progress onTerminal(String label, PrintWriter err) {
        return System.console() == null ? null : new Progress(label, err, true, null);
    }

    /**
     * A bar when stderr is a terminal, otherwise a line per completed run naming it by {@code describe} (given the
     * run's index).
     */
    public static Progress barOrLines(String label, PrintWriter err, IntFunction<String> describe) {
        return new Progress(label, err, System.console() != null, describe);
    }

    /** Reports that the run {@code index} finished, the {@code done}-th of {@code total}. */
    public synchronized void completed(int index, int done, int total) {
        if (!terminal) {
            if (describe != null) {
                err.println(label + ": " + done + "/" + total + " " + describe.apply(index));
                err.flush();
            }
            return;
        }
        long now = System.nanoTime();
        if (done < total && drawn && now - lastDraw < REDRAW_NS) return;
        lastDraw = now;
        drawn = true;
        int filled = total == 0 ? BAR : (int) ((long) BAR * done / total);
        String eta = done == 0 ? "?" : formatSeconds((now - start) / 1e9 / done * (total - done));
        err.print("\r" + label + " [" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] " + done + "/" + total
                + " " + (total == 0 ? 100 : 100L * done / total) + "%  ETA " + eta + "   ");
        err.flush();
    }

    /** Ends the bar's line, if one was drawn. */
    public synchronized void finish() {
        if (terminal && drawn) {
            err.println();
            err.flush();
        }
    }

    static String formatSeconds(double s) {
        long x = Math.round(s);
        if (x < 60) return x + "s";
        if (x < 3600) return x / 60 + "m" + String.format("%02d", x % 60) + "s";
        return x / 3600 + "h" + String.format("%02d", x % 3600 / 60) + "m";
    }
}
