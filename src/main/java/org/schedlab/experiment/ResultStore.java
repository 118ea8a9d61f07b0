package org.schedlab.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.schedlab.AtomicFiles;
import org.schedlab.InputError;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A directory of result JSON files, one per run, named from the run's spec: a readable slug and a hash of the
 * canonical spec ({@link #canonical}), so equal specs always map to the same file and different specs to
 * different files. Files are written atomically (temp file and rename), so a file that exists is complete; a
 * run is done when its file holds a result whose recorded spec is the run's exact twin.
 *
 * <p>Opening a store creates {@code DIR} if it is missing (its parent must exist) and takes an exclusive lock on
 * {@code DIR/.sweep.lock} (released by the OS even if the process is killed); only one process writes a store at
 * a time, so the store's owner may delete temp files of its own result files ({@link #removeStaleTemps}).
 */
public final class ResultStore implements AutoCloseable {
    /** Name of the lock file; it stays in the directory and holds nothing. */
    public static final String LOCK = ".sweep.lock";
    private static final int SLUG_MAX = 96;

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private ResultStore(Path dir, FileChannel ch, FileLock lock) {
        this.dir = dir;
        this.lockChannel = ch;
        this.lock = lock;
    }

    /** Opens (creating the directory itself if needed, not its parents) the store in {@code dir} and locks it. */
    public static ResultStore open(Path dir) {
        Path parent = dir.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir) && parent != null && !Files.isDirectory(parent))
            throw new InputError(dir + ": no such directory " + parent + " (create it first)");
        try {
            if (!Files.isDirectory(dir)) Files.createDirectory(dir);
        } catch (IOException e) {
            throw new InputError(dir + ": cannot create directory: " + e.getMessage());
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) throw new InputError(dir + ": another sweep is writing to this directory");
            return new ResultStore(dir, ch, l);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new InputError(dir + ": cannot lock: " + e.getMessage());
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    /**
     * Deletes the temp files of the named files of this store ({@code .NAME.*.tmp}), which only a writer killed
     * between write and rename leaves behind; the lock makes them stale. Other hidden files are left alone.
     */
    public void removeStaleTemps(java.util.Collection<String> names) {
        AtomicFiles.removeStaleTemps(dir, names, false);
    }

    public Path dir() { return dir; }

    /** The spec's canonical form ({@link RunSpec#canonical}), which every result carries as {@code "spec"}. */
    public static ObjectNode canonical(RunSpec s) { return s.canonical(); }

    /** First 12 hex digits of the SHA-256 of the canonical spec. */
    public static String hash(RunSpec s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest(canonical(s).toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code WORKLOAD[-KEY=VALUE...]_POLICY_TOPOLOGY_sSEED_HASH.json}, every part reduced to letters, digits and
     * {@code .=+-}, the slug cut to 96 characters.
     */
    public static String fileName(RunSpec s) {
        StringBuilder w = new StringBuilder(s.workload);
        for (Map.Entry<String, String> e : new TreeMap<>(s.params).entrySet())
            w.append('-').append(e.getKey()).append('=').append(e.getValue());
        String slug = clean(w.toString()) + "_" + clean(s.policy) + "_" + clean(s.topology) + "_s" + s.seed;
        if (slug.length() > SLUG_MAX) slug = slug.substring(0, SLUG_MAX);
        return slug + "_" + hash(s) + ".json";
    }

    private static String clean(String s) {
        String c = s.replaceAll("[^A-Za-z0-9.=+-]+", "-").replaceAll("-{2,}", "-");
        c = c.replaceAll("^[-.]+|-+$", "");
        return c.isEmpty() ? "x" : c;
    }

    public Path path(RunSpec s) { return dir.resolve(fileName(s)); }

    /**
     * Whether the run's file exists and holds a result made from exactly this spec: its {@code "spec"} equals
     * {@link RunSpec#canonical}. A file copied from another run, or made with another duration, cost profile or
     * input file content, or by a version that did not record its spec, is not the run's and is run again.
     */
    public boolean isDone(RunSpec s) {
        Path p = path(s);
        if (!Files.isRegularFile(p)) return false;
        try {
            JsonNode n = Runner.readResult(p);
            return n != null && n.isObject() && n.has("schema") && n.has("metrics") && isSpecOf(n.get("spec"), s);
        } catch (IOException | InputError e) {
            return false;
        }
    }

    /**
     * Whether {@code recorded}, a spec read back from a file, is {@link RunSpec#canonical} of {@code s}: compared as
     * read back, so that numbers compare by value whatever node type wrote them.
     */
    static boolean isSpecOf(JsonNode recorded, RunSpec s) throws IOException {
        return Runner.JSON.readTree(canonical(s).toString()).equals(recorded);
    }

    /** Writes the run's result atomically. */
    public void write(RunSpec s, ObjectNode result) {
        try {
            AtomicFiles.write(path(s), Runner.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it anyway
        }
        closeQuietly(lockChannel);
    }
}
