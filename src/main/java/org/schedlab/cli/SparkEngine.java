package org.schedlab.cli;

import org.schedlab.InputError;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Hands a sweep to the Spark module ({@code spark/}, built apart so that the core needs no Spark): starts
 * {@code org.schedlab.spark.SparkSweep} in a child JVM with the module's jar and libraries, the JVM options Spark
 * needs and the core this process runs (the module's libraries hold no copy of it, so both engines run the same
 * simulator), sharing this process's terminal. The module is looked up in the system property
 * {@code schedlab.spark.dir} or {@code $SCHEDLAB_SPARK_DIR}, else in {@code spark/} next to the directory the
 * schedlab jar (or classes) came from. The {@code ./schedlab} launcher builds it on first use.
 */
final class SparkEngine {
    static final String BUILD = "mvn -B -q install -DskipTests && mvn -B -q -f spark/pom.xml package -DskipTests";

    private SparkEngine() {}

    static int run(Path file, Path out, String master) {
        Path module = moduleDir();
        Path jar = module.resolve("target/schedlab-spark.jar"), lib = module.resolve("target/lib");
        Path opts = module.resolve("target/launch/schedlab-spark.jvm");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(lib) || !Files.isRegularFile(opts))
            throw new InputError("--engine spark: the Spark module is not built (no " + jar + "); run the sweep through "
                    + "./schedlab, which builds it, or build it with: " + BUILD);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        try {
            cmd.addAll(Arrays.asList(Files.readString(opts, StandardCharsets.UTF_8).trim().split("\\s+")));
        } catch (IOException e) {
            throw new InputError(opts + ": cannot read: " + e.getMessage());
        }
        cmd.add("-cp");
        cmd.add(jar + java.io.File.pathSeparator + lib.resolve("*") + java.io.File.pathSeparator + core());
        cmd.add("org.schedlab.spark.SparkSweep");
        cmd.add(file.toString());
        cmd.add("--out");
        cmd.add(out.toString());
        if (master != null) {
            cmd.add("--master");
            cmd.add(master);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        if (master == null || master.startsWith("local")) pb.environment().putIfAbsent("SPARK_LOCAL_IP", "127.0.0.1");
        try {
            return pb.start().waitFor();
        } catch (IOException e) {
            throw new InputError("--engine spark: cannot start " + cmd.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /** Where this process's schedlab classes come from: target/schedlab.jar or target/classes. */
    private static Path core() {
        java.security.CodeSource source = SparkEngine.class.getProtectionDomain().getCodeSource();
        if (source == null) throw new IllegalStateException("cannot locate the schedlab classes");
        try {
            return Path.of(source.getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the schedlab classes", e);
        }
    }

    private static Path moduleDir() {
        String env = System.getProperty("schedlab.spark.dir", System.getenv("SCHEDLAB_SPARK_DIR"));
        if (env != null && !env.isBlank()) return Path.of(env);
        // target/schedlab.jar or target/classes: the project root is two levels up
        return core().getParent().getParent().resolve("spark");
    }
}
