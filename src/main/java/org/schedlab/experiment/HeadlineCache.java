package org.schedlab.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.schedlab.AtomicFiles;
import org.schedlab.InputError;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalDouble;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Headline values of runs already done by this same build, one small file per run spec in a directory
 * ({@code validate --cache DIR}, {@code study --cache DIR}): a run is looked up by its spec's file name
 * ({@link ResultStore#fileName}) and reused only when the file records the same build (the identity of the
 * simulator in the running jar, {@link #runningBuild}) and the same canonical spec. Equal specs give equal results
 * on one build, so a reused value is the value the run would give. Files are written atomically; a missing,
 * unreadable or foreign file means the run is done again.
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

    /**
     * Classes that only build specs, judge headlines, time runs or present them: a change to them changes no run's result, so
     * they are left out of the build's identity (the spec itself is compared whole).
     */
    private static final List<String> CHECK_ONLY = List.of("org/schedlab/experiment/Validation",
            "org/schedlab/experiment/MainlineCurves", "org/schedlab/experiment/PublishedMechanisms",
            "org/schedlab/experiment/PublishedTables", "org/schedlab/experiment/Study",
            "org/schedlab/experiment/HeadlineCache", "org/schedlab/experiment/Bench", "org/schedlab/cli/",
            "org/schedlab/report/", "META-INF/");

    /**
     * The identity of the simulator in the jar this class was loaded from: SHA-256 over the name and content of its
     * entries in name order, except {@link #CHECK_ONLY} (so the same code rebuilt has the same identity); null when
     * it was not loaded from a jar.
     */
    static String runningBuild() {
        try {
            var src = HeadlineCache.class.getProtectionDomain().getCodeSource();
            if (src == null) return null;
            Path jar = Path.of(src.getLocation().toURI());
            return Files.isRegularFile(jar) ? identityOf(jar) : null;
        } catch (IOException | java.net.URISyntaxException | SecurityException e) {
            return null;
        }
    }

    /** The identity {@link #runningBuild} gives the simulator in {@code jar}. */
    static String identityOf(Path jar) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (JarFile jf = new JarFile(jar.toFile())) {
            List<JarEntry> entries = new ArrayList<>(Collections.list(jf.entries()));
            entries.sort(Comparator.comparing(JarEntry::getName));
            for (JarEntry e : entries) {
                if (e.isDirectory() || CHECK_ONLY.stream().anyMatch(e.getName()::startsWith)) continue;
                md.update(e.getName().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                try (InputStream in = jf.getInputStream(e)) {
                    md.update(in.readAllBytes());
                }
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
