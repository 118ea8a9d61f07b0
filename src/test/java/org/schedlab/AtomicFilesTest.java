package org.schedlab;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The atomic writer replaces only regular files, creates no directory and leaves no temp file behind. */
class AtomicFilesTest {
    @TempDir Path dir;

    private Set<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet());
        }
    }

    @Test
    void writesNewFilesAndReplacesRegularOnes() throws IOException {
        Path f = dir.resolve("a.json");
        AtomicFiles.write(f, "one");
        AtomicFiles.write(f, "two");
        assertThat(Files.readString(f)).isEqualTo("two");
        assertThat(names()).containsExactly("a.json");
    }

    @Test
    void aMissingDirectoryIsRefusedNotCreated() {
        Path f = dir.resolve("x/y/a.json");
        assertThatThrownBy(() -> AtomicFiles.write(f, "x")).isInstanceOf(InputError.class)
                .hasMessage(f + ": no such directory " + dir.resolve("x/y") + " (create it first)");
        assertThat(Files.exists(dir.resolve("x"))).isFalse();
    }

    @Test
    void whatIsNotARegularFileIsNeverReplaced() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        assertThatThrownBy(() -> AtomicFiles.write(sub, "x")).isInstanceOf(InputError.class)
                .hasMessage(sub + ": not a regular file; refusing to replace it");
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        assertThatThrownBy(() -> AtomicFiles.write(dangling, "x")).isInstanceOf(InputError.class);
        assertThat(Files.isSymbolicLink(dangling)).isTrue();
        Path fifo = dir.resolve("fifo");
        if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0) {
            assertThatThrownBy(() -> AtomicFiles.write(fifo, "x")).isInstanceOf(InputError.class)
                    .hasMessage(fifo + ": not a regular file; refusing to replace it");
            assertThat(Files.isRegularFile(fifo)).isFalse();
        }
        // a device: renaming over it would replace it for a root user
        Path dev = Path.of("/dev/null");
        assumeTrue(Files.exists(dev));
        assertThatThrownBy(() -> AtomicFiles.checkTarget(dev)).isInstanceOf(InputError.class);
        assertThat(names()).doesNotContain(".fifo", ".sub").allMatch(n -> !n.endsWith(".tmp"));
    }

    @Test
    void aLinkToARegularFileIsWrittenThrough() throws IOException {
        Path real = dir.resolve("real.json");
        Files.writeString(real, "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.json"), real);
        AtomicFiles.write(link, "new");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).isEqualTo("new");
    }

    @Test
    void staleTempsAreThoseOfGoneProcessesForTheNamedTargetOnly() throws IOException {
        long gone = deadPid();
        String mine = ".t.json." + ProcessHandle.current().pid() + "-1.tmp", dead = ".t.json." + gone + "-2.tmp",
                other = ".u.json." + gone + "-3.tmp";
        for (String n : new String[]{mine, dead, other}) Files.writeString(dir.resolve(n), "x");
        AtomicFiles.removeStaleTemps(dir, Set.of("t.json"), true);
        assertThat(names()).containsExactlyInAnyOrder(mine, other);
    }

    /** A pid no process has: one past the largest live one, checked. */
    private static long deadPid() {
        long pid = ProcessHandle.allProcesses().mapToLong(ProcessHandle::pid).max().orElse(1) + 1000;
        while (ProcessHandle.of(pid).isPresent()) pid++;
        return pid;
    }
}
