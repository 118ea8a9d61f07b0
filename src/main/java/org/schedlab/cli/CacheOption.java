package org.schedlab.cli;

import org.schedlab.experiment.HeadlineCache;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --cache DIR}, shared by validate and study: runs this same build already made are not made again. */
public final class CacheOption {
    @Option(names = "--cache", paramLabel = "DIR",
            description = "Reuse the headline of every run this same build already made into DIR, and record new ones "
                    + "(validate and study share it; another build runs everything again).")
    Path dir;

    /** The cache, or null when none is asked for. */
    HeadlineCache open() { return dir == null ? null : HeadlineCache.open(dir); }
}
