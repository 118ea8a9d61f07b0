package org.schedlab.workload.rtapp;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.schedlab.workload.WorkloadException;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.WorkloadSummary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Damaged rt-app files either load or fail with a one-line {@link WorkloadException}, quickly. */
class RtAppFuzzTest {
    private static final Map<String, byte[]> FILES = Map.of(
            "mp3-short.json", bytes("mp3-short.json"),
            "browser-short.json", bytes("browser-short.json"),
            "spreading-tasks.json", bytes("spreading-tasks.json"),
            "video-short.json", bytes("video-short.json"),
            "features.json", bytes("features.json"),
            "taskset.json", bytes("taskset.json"),
            "camera-head.json", cameraHead());

    private static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(RtAppReaderTest.resource(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first 3000 bytes of camera-short.json: a broken document that still has many tasks. */
    private static byte[] cameraHead() {
        return Arrays.copyOf(bytes("camera-short.json"), 3000);
    }

    @Provide
    Arbitrary<List<Mutations.Edit>> edits() {
        return Mutations.edits();
    }

    static void check(String file, List<Mutations.Edit> edits) {
        byte[] input = Mutations.apply(FILES.get(file), edits);
        long start = System.nanoTime();
        {
            try {
                WorkloadSpec s = RtAppReader.parse(file, file, input, Map.of(), 0);
                WorkloadSummary.data(s);
                WorkloadSummary.text(s);
            } catch (WorkloadException e) {
                assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\r").startsWith(file + ":");
            }
        }
        assertThat(System.nanoTime() - start).as("parse time in ns").isLessThan(Duration.ofSeconds(2).toNanos());
    }

    @Property(tries = 1000)
    void mp3(@ForAll("edits") List<Mutations.Edit> edits) { check("mp3-short.json", edits); }

    @Property(tries = 1000)
    void browser(@ForAll("edits") List<Mutations.Edit> edits) { check("browser-short.json", edits); }

    @Property(tries = 1000)
    void spreading(@ForAll("edits") List<Mutations.Edit> edits) { check("spreading-tasks.json", edits); }

    @Property(tries = 1000)
    void features(@ForAll("edits") List<Mutations.Edit> edits) { check("features.json", edits); }

    @Property(tries = 300)
    void taskset(@ForAll("edits") List<Mutations.Edit> edits) { check("taskset.json", edits); }

    @Property(tries = 300)
    void cameraHead(@ForAll("edits") List<Mutations.Edit> edits) { check("camera-head.json", edits); }
}
