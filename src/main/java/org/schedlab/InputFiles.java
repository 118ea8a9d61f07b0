package org.schedlab;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The one way schedlab reads a user's input file: it must be a regular file (a device such as {@code /dev/zero},
 * a FIFO or a socket is refused before it is opened, so nothing blocks or reads for ever) and at most a stated
 * number of bytes, checked before reading and again while reading (files whose size the file system does not
 * know, as in /proc, cannot slip past it). Every refusal is one {@link InputError} line naming the file, what it
 * was read as and the limit.
 */
public final class InputFiles {
    private InputFiles() {}

    public static final long KiB = 1L << 10, MiB = 1L << 20, GiB = 1L << 30;

    /** The whole file as bytes; {@code what} names the kind of file in messages, with its article ("a cost profile"). */
    public static byte[] readBytes(Path file, String what, long limit) {
        try (InputStream in = open(file, what, limit)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw cannotRead(file, what, e);
        }
    }

    /** The whole file as UTF-8 text (malformed bytes replaced). */
    public static String readString(Path file, String what, long limit) {
        return new String(readBytes(file, what, limit), StandardCharsets.UTF_8);
    }

    /**
     * A stream over the file that fails with an {@link InputError} naming the limit once more than {@code limit}
     * bytes have been read. The caller closes it.
     */
    public static InputStream open(Path file, String what, long limit) {
        long size = checkRegular(file, what);
        if (size > limit) throw tooBig(file, what, limit);
        try {
            return new Bounded(Files.newInputStream(file), file, what, limit);
        } catch (IOException e) {
            throw cannotRead(file, what, e);
        }
    }

    /** Refuses what is not a regular file (following symbolic links); returns its size as the file system reports it. */
    public static long checkRegular(Path file, String what) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new InputError(file + ": no such file (expected " + what + ")");
        } catch (IOException | SecurityException e) {
            throw cannotRead(file, what, e);
        }
        if (a.isDirectory()) throw new InputError(file + ": is a directory; expected " + what);
        if (!a.isRegularFile())
            throw new InputError(file + ": not a regular file (a device, FIFO or socket); expected " + what);
        return a.size();
    }

    private static final java.util.Map<String, String> HASHES = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The SHA-256 (hex) of a file's bytes, read within {@code limit}: what identifies an input a result was made
     * from. Remembered per (path, size, modification time), so a sweep naming one file thousands of times reads it
     * once.
     */
    public static String sha256(Path file, String what, long limit) {
        checkRegular(file, what);
        String key;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            key = file.toAbsolutePath().normalize() + "\0" + a.size() + "\0" + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            throw cannotRead(file, what, e);
        }
        return HASHES.computeIfAbsent(key, k -> {
            java.security.MessageDigest d = sha256();
            byte[] buf = new byte[1 << 16];
            try (InputStream in = open(file, what, limit)) {
                for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
            } catch (IOException e) {
                throw cannotRead(file, what, e);
            }
            return java.util.HexFormat.of().formatHex(d.digest());
        });
    }

    /** SHA-256 (hex) of bytes. */
    public static String sha256(byte[] bytes) { return java.util.HexFormat.of().formatHex(sha256().digest(bytes)); }

    private static java.security.MessageDigest sha256() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A size in words: "64 MiB", "4 KiB", "100 bytes". */
    public static String size(long bytes) {
        if (bytes >= GiB && bytes % GiB == 0) return bytes / GiB + " GiB";
        if (bytes >= MiB && bytes % MiB == 0) return bytes / MiB + " MiB";
        if (bytes >= KiB && bytes % KiB == 0) return bytes / KiB + " KiB";
        return bytes + " bytes";
    }

    static InputError tooBig(Path file, String what, long limit) {
        return new InputError(file + ": larger than the limit of " + size(limit) + " for " + what);
    }

    private static InputError cannotRead(Path file, String what, Exception e) {
        if (e instanceof InputErrorCarrier c) return c.error;
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        return new InputError(file + ": cannot read " + what.replaceFirst("^an? ", "") + ": " + m);
    }

    /** Carries the limit's {@link InputError} through code that only lets {@link IOException}s pass. */
    private static final class InputErrorCarrier extends IOException {
        final InputError error;

        InputErrorCarrier(InputError error) {
            super(error.getMessage());
            this.error = error;
        }
    }

    /**
     * Unwraps the {@link InputError} of a bounded stream from an exception a parser built around it (a parser may
     * wrap the stream's {@link IOException}); null when the limit was not the cause.
     */
    public static InputError limitError(Throwable t) {
        for (Throwable x = t; x != null; x = x.getCause() == x ? null : x.getCause()) {
            if (x instanceof InputErrorCarrier c) return c.error;
            if (x instanceof InputError e) return e;
        }
        return null;
    }

    private static final class Bounded extends InputStream {
        private final InputStream in;
        private final Path file;
        private final String what;
        private final long limit;
        private long read;

        Bounded(InputStream in, Path file, String what, long limit) {
            this.in = in;
            this.file = file;
            this.what = what;
            this.limit = limit;
        }

        private void count(long n) throws IOException {
            if (n > 0) read += n;
            if (read > limit) throw new InputErrorCarrier(tooBig(file, what, limit));
        }

        @Override public int read() throws IOException {
            int b = in.read();
            if (b >= 0) count(1);
            return b;
        }

        @Override public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            // never ask for more than one byte past the limit, so an endless file stops there
            int n = in.read(b, off, (int) Math.max(1, Math.min(len, limit + 1 - read)));
            count(n);
            return n;
        }

        @Override public void close() throws IOException { in.close(); }
    }

    /**
     * Lines of a stream, each at most {@code maxLine} bytes (a longer one is an {@link InputError} naming the file,
     * the line and the limit, raised before the line is held in memory). Lines end at {@code \n}; a {@code \r}
     * before it stays part of the line. Bytes are decoded as UTF-8, malformed ones replaced.
     */
    public static final class Lines implements java.io.Closeable {
        private final InputStream in;
        private final String where;
        private final int maxLine;
        private final byte[] chunk = new byte[1 << 16];
        private int pos, len;
        private byte[] line = new byte[256];
        private int lineNo;
        private boolean complete;

        /** {@code where} prefixes messages (the file name). */
        public Lines(InputStream in, String where, int maxLine) {
            this.in = in;
            this.where = where;
            this.maxLine = maxLine;
        }

        /** The next line without its newline, or null at the end of the stream. */
        public String next() {
            int n = 0;
            while (true) {
                if (pos == len && !fill()) {
                    if (n == 0) return null;
                    complete = false;
                    break;
                }
                int nl = pos;
                while (nl < len && chunk[nl] != '\n') nl++;
                int k = nl - pos;
                if (n + k > maxLine)
                    throw new InputError(where + ":" + (lineNo + 1) + ": line longer than the limit of " + size(maxLine));
                if (n + k > line.length) line = java.util.Arrays.copyOf(line, Math.min(maxLine, Math.max(n + k, 2 * line.length)));
                System.arraycopy(chunk, pos, line, n, k);
                n += k;
                pos = nl;
                if (nl < len) {
                    pos++;
                    complete = true;
                    break;
                }
            }
            lineNo++;
            return new String(line, 0, n, StandardCharsets.UTF_8);
        }

        private boolean fill() {
            try {
                int r = in.read(chunk, 0, chunk.length);
                if (r <= 0) return false;
                pos = 0;
                len = r;
                return true;
            } catch (IOException e) {
                InputError limit = limitError(e);
                if (limit != null) throw limit;
                throw new InputError(where + ": cannot read: " + e.getMessage());
            }
        }

        /** Number of the line {@link #next} returned last, from 1. */
        public int lineNo() { return lineNo; }

        /** Whether the line {@link #next} returned last ended with a newline (false only for a file's last line). */
        public boolean complete() { return complete; }

        @Override public void close() throws IOException { in.close(); }
    }
}
