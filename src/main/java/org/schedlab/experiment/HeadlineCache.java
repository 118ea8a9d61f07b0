package org.schedlab.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.schedlab.AtomicFiles;
import org.schedlab.InputError;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.OptionalDouble;

/**
 * Headline values of runs already done by this same build, one small file per run spec in a directory
 * ({@code validate --cache DIR}, {@code study --cache DIR}): a run is looked up by its spec's file name
 * ({@link ResultStore#fileName}) and reused only when the file records the same build (the SHA-256 of the running
 * jar) and the same canonical spec. Equal specs give equal results on one build, so a reused value is the value
 * the run would give. Files are written atomically; a missing, unreadable or foreign file means the run is done
 * again.
 */
public final class HeadlineCache {
    private final Path dir;
    private final String build;

    HeadlineCache(Path dir, String build) {
        this.dir = dir;
        this.build = build;
    }

    /**
     * The cache in {@code dir} (created if missing; its parent must exist) for the running build, or null with a
     * note on stderr when the code does not run from a jar (its build then has no identity).
     */
    public static HeadlineCache open(Path dir) {
        String build = runningBuild();
        if (build == null) {
            System.err.println("schedlab: --cache: not running from a built jar, so runs are not cached");
            return null;
        }
        return at(dir, build);
    }

    static HeadlineCache at(Path dir, String build) {
        try {
            if (!Files.isDirectory(dir)) {
                Path parent = dir.toAbsolutePath().getParent();
                if (parent == null || !Files.isDirectory(parent))
                    throw new InputError("--cache " + dir + ": its parent directory does not exist");
                Files.createDirectory(dir);
            }
        } catch (IOException e) {
            throw new InputError("--cache " + dir + ": cannot create the directory (" + e.getMessage() + ")");
        }
        return new HeadlineCache(dir, build);
    }

    /** The spec's cached headline, if this build ran it before. */
    OptionalDouble get(RunSpec spec) {
        Path f = dir.resolve(ResultStore.fileName(spec));
        if (!Files.isRegularFile(f)) return OptionalDouble.empty();
        try {
            JsonNode n = Runner.JSON.readTree(f.toFile());
            if (!build.equals(n.path("build").asText()) || !ResultStore.isSpecOf(n.path("spec"), spec)
                    || !n.path("headline").isNumber())
                return OptionalDouble.empty();
            return OptionalDouble.of(n.path("headline").doubleValue());
        } catch (IOException e) {
            return OptionalDouble.empty();
        }
    }

    /** Records the spec's headline for later runs of this build. */
    void put(RunSpec spec, double headline) {
        ObjectNode n = Runner.JSON.createObjectNode();
        n.put("build", build);
        n.set("spec", spec.canonical());
        n.put("headline", headline);
        AtomicFiles.write(dir.resolve(ResultStore.fileName(spec)), n.toString());
    }

    /** SHA-256 of the jar this class was loaded from, or null when it was not loaded from a jar. */
    static String runningBuild() {
        try {
            var src = HeadlineCache.class.getProtectionDomain().getCodeSource();
            if (src == null) return null;
            Path jar = Path.of(src.getLocation().toURI());
            if (!Files.isRegularFile(jar)) return null;
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(jar)) {
                byte[] buf = new byte[1 << 16];
                for (int k; (k = in.read(buf)) > 0; ) md.update(buf, 0, k);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException | java.net.URISyntaxException | SecurityException e) {
            return null;
        }
    }
}
