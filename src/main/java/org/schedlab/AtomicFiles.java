package org.schedlab;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes files so that readers see either the old file or the complete new one: a temporary file next to the
 * target, renamed over it once complete.
 *
 * <p>The target must be a regular file (a symbolic link to one is followed) or a new name in an existing
 * directory: a device, FIFO, directory or dangling link is refused, and a missing directory is not created. A
 * temporary file is named {@code .NAME.PID-N.tmp} after its target and the process writing it; it is deleted when
 * the write fails and when the JVM exits before the rename (a shutdown hook: Ctrl-C, SIGTERM). What a SIGKILL
 * leaves, {@link #removeStaleTemps} deletes: a sweep for its own files under its lock, a long write (a Perfetto
 * trace) for its target once the process that left it is gone.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    private static final Pattern TEMP = Pattern.compile("\\.(.+)\\.(?:(\\d+)-)?\\d+\\.tmp");
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();
    /** Orders creating a temporary file against the shutdown hook deleting them. */
    private static final Object LOCK = new Object();
    /** The shutdown hook has run: no temporary file may be created after it. Guarded by {@link #LOCK}. */
    private static boolean exiting;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (LOCK) {
                exiting = true;
                for (Path p : OPEN) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // the JVM is going away: nothing else to try
                    }
                }
            }
        }, "schedlab-temp-cleanup"));
    }

    public static void write(Path target, String text) { write(target, text.getBytes(StandardCharsets.UTF_8)); }

    public static void write(Path target, byte[] data) {
        try (Pending p = begin(target)) {
            try (OutputStream out = p.out()) {
                out.write(data);
            }
            p.commit();
        } catch (IOException e) {
            throw new InputError(target + ": cannot write: " + e.getMessage());
        }
    }

    /** A file being written: {@link #out} fills its temporary file, {@link #commit} renames it onto the target. */
    public static final class Pending implements AutoCloseable {
        private final Path target, tmp;
        private boolean committed;

        private Pending(Path target, Path tmp) {
            this.target = target;
            this.tmp = tmp;
        }

        /**
         * A new stream onto the temporary file; the caller closes it before {@link #commit}. The file is not created
         * again if the shutdown hook has removed it.
         */
        public OutputStream out() throws IOException {
            return Files.newOutputStream(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        }

        /** The file the data lands in. */
        public Path target() { return target; }

        /** Renames the temporary file onto the target. */
        public void commit() throws IOException {
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            committed = true;
            OPEN.remove(tmp);
        }

        /** Deletes the temporary file unless committed. */
        @Override public void close() {
            if (committed) return;
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // left for the next write to this target or the shutdown hook
            }
            OPEN.remove(tmp);
        }
    }

    /**
     * Checks {@code target} and starts writing it: a regular file (or a link to one) or a new name in an existing
     * directory; anything else is an {@link InputError} and nothing is created.
     */
    public static Pending begin(Path target) {
        Path abs = checkTarget(target);
        Path dir = abs.getParent();
        String name = abs.getFileName().toString();
        try {
            Path tmp;
            synchronized (LOCK) {
                if (exiting) throw new InputError(target + ": cannot write: the program is exiting");
                tmp = Files.createTempFile(dir, "." + name + "." + ProcessHandle.current().pid() + "-", ".tmp");
                OPEN.add(tmp);
            }
            makeReadable(tmp);
            return new Pending(abs, tmp);
        } catch (IOException e) {
            throw new InputError(target + ": cannot write: " + e.getMessage());
        }
    }

    /**
     * Checks that {@code target} can be written (see the class comment), so that a command can refuse a bad output
     * before it does its work; returns the absolute path written (a link's target).
     */
    public static Path checkTarget(Path target) {
        Path abs = target.toAbsolutePath();
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isRegularFile(abs))
                throw new InputError(target + ": not a regular file; refusing to replace it");
            try {
                abs = abs.toRealPath();
            } catch (IOException e) {
                throw new InputError(target + ": cannot write: " + e.getMessage());
            }
        }
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir))
            throw new InputError(target + ": no such directory " + (dir == null ? "/" : dir) + " (create it first)");
        return abs;
    }

    /**
     * Deletes the temporary files in {@code dir} of the targets named in {@code names}: only those of processes
     * that are gone when {@code deadOnly}, otherwise all of them (for a caller that holds the directory's lock).
     * Temporary files of other targets, and hidden files that are not temporary files, are left alone.
     */
    public static void removeStaleTemps(Path dir, Collection<String> names, boolean deadOnly) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path p : ds) {
                Matcher m = TEMP.matcher(p.getFileName().toString());
                if (!m.matches() || !names.contains(m.group(1))) continue;
                if (deadOnly && (m.group(2) == null || alive(Long.parseLong(m.group(2))))) continue;
                Files.deleteIfExists(p);
            }
        } catch (IOException | NumberFormatException e) {
            // a stale temporary file costs only space; the write itself goes on
        }
    }

    private static boolean alive(long pid) {
        return pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Gives a temp file the permissions of an ordinary new file (rw-r--r--) where the file system has them. */
    public static void makeReadable(Path tmp) throws IOException {
        try {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep the default permissions
        }
    }
}
