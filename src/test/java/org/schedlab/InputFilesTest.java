package org.schedlab;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedlab.cost.CostProfile;
import org.schedlab.experiment.Study;
import org.schedlab.experiment.SweepFile;
import org.schedlab.topology.TopologySources;
import org.schedlab.workload.Workloads;
import org.schedlab.workload.rtapp.RtAppReader;
import org.schedlab.workload.trace.TraceReader;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every reader of a user's file goes through {@link InputFiles}: a device or a FIFO is refused at once (it would
 * otherwise be read for ever or block), and a file over the reader's limit is refused with one line naming it.
 */
class InputFilesTest {
    @TempDir Path dir;

    /** The readers, each given a path. */
    static Map<String, Consumer<Path>> readers() {
        Map<String, Consumer<Path>> m = new LinkedHashMap<>();
        m.put("cost profile", CostProfile::load);
        m.put("sweep file", SweepFile::load);
        m.put("study file", Study::read);
        m.put("rt-app file", p -> RtAppReader.read(p, Map.of()));
        m.put("trace", TraceReader::read);
        m.put("hwloc XML", p -> TopologySources.resolve(p.toString()));
        m.put("rtapp: workload", p -> Workloads.parse("rtapp:" + p, Map.of()));
        m.put("trace: workload", p -> Workloads.parse("trace:" + p, Map.of()));
        return m;
    }

    /** Reading must end (with an InputError) within seconds, not block or read for ever. */
    private static void assertRefused(Consumer<Path> reader, Path p, String... parts) {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
                assertThatThrownBy(() -> reader.accept(p)).isInstanceOf(InputError.class)
                        .satisfies(e -> assertThat(e.getMessage()).startsWith(p.toString()).contains(parts).doesNotContain("\n")));
    }

    @Test
    void aDeviceIsRefusedByEveryReader() {
        assumeTrue(Files.exists(Path.of("/dev/zero")));
        readers().forEach((what, r) -> assertRefused(r, Path.of("/dev/zero"), "not a regular file"));
    }

    @Test
    void aFifoIsRefusedByEveryReaderWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("fifo");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0);
        readers().forEach((what, r) -> assertRefused(r, fifo, "not a regular file"));
    }

    @Test
    void aSysfsAttributeThatIsADeviceIsRefused() throws IOException {
        Path sys = dir.resolve("sys");
        Files.createDirectories(sys.resolve("cpu/cpu0/topology"));
        Files.createSymbolicLink(sys.resolve("cpu/online"), Path.of("/dev/zero"));
        assumeTrue(Files.exists(Path.of("/dev/zero")));
        assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
                assertThatThrownBy(() -> TopologySources.resolve(sys.toString())).isInstanceOf(InputError.class)
                        .hasMessageContaining("cpu/online: not a regular file"));
    }

    @Test
    void aFileOverTheLimitIsRefusedNamingIt() throws IOException {
        Path big = dir.resolve("big.yaml");
        Files.write(big, ("# " + "x".repeat(1000) + "\n").repeat(1100).getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> CostProfile.load(big)).isInstanceOf(InputError.class)
                .hasMessage(big + ": larger than the limit of 1 MiB for a cost profile");
        assertThatThrownBy(() -> SweepFile.load(big)).isInstanceOf(InputError.class)
                .hasMessage(big + ": larger than the limit of 1 MiB for a sweep file");
    }

    @Test
    void theLimitHoldsWhileReadingWhenTheFileSystemReportsNoSize() {
        Path maps = Path.of("/proc/self/maps");
        assumeTrue(Files.isReadable(maps));
        assertThatThrownBy(() -> InputFiles.readBytes(maps, "a test file", 16)).isInstanceOf(InputError.class)
                .hasMessage(maps + ": larger than the limit of 16 bytes for a test file");
        assertThat(InputFiles.readBytes(maps, "a test file", InputFiles.MiB)).isNotEmpty();
    }

    @Test
    void linesAreBoundedBeforeTheyAreHeld() {
        byte[] text = ("ab\n" + "x".repeat(100) + "\ncd").getBytes(StandardCharsets.UTF_8);
        InputFiles.Lines lines = new InputFiles.Lines(new ByteArrayInputStream(text), "f.txt", 10);
        assertThat(lines.next()).isEqualTo("ab");
        assertThat(lines.complete()).isTrue();
        assertThatThrownBy(lines::next).isInstanceOf(InputError.class)
                .hasMessage("f.txt:2: line longer than the limit of 10 bytes");
        InputFiles.Lines ok = new InputFiles.Lines(new ByteArrayInputStream("a\r\n\nb".getBytes(StandardCharsets.UTF_8)), "f", 4);
        assertThat(List.of(ok.next(), ok.next(), ok.next())).containsExactly("a\r", "", "b");
        assertThat(ok.complete()).isFalse();
        assertThat(ok.next()).isNull();
    }

    @Test
    void aTraceLineOverTheLimitIsRefusedWithItsNumber() throws IOException {
        Path trace = dir.resolve("t.txt");
        Files.writeString(trace, "# tracer: nop\n" + "x".repeat(TraceReader.MAX_LINE + 1) + "\n");
        assertThatThrownBy(() -> TraceReader.read(trace)).isInstanceOf(InputError.class)
                .hasMessage(trace + ":2: line longer than the limit of 64 KiB");
    }
}
