package org.schedlab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes files so that readers see either the old file or the complete new one: temp file + rename. */
public final class AtomicFiles {
    private AtomicFiles() {}

    public static void write(Path target, byte[] data) {
        try {
            Path abs = target.toAbsolutePath();
            Path dir = abs.getParent();
            if (dir != null) Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
            try {
                Files.write(tmp, data);
                makeReadable(tmp);
                try {
                    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new InputError(target + ": cannot write: " + e.getMessage());
        }
    }

    /** Gives a temp file the permissions of an ordinary new file (rw-r--r--) where the file system has them. */
    public static void makeReadable(Path tmp) throws IOException {
        try {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep the default permissions
        }
    }

    public static void write(Path target, String text) { write(target, text.getBytes(StandardCharsets.UTF_8)); }
}
