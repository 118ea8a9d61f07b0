package org.schedlab.cli;

import org.schedlab.AtomicFiles;
import org.schedlab.InputFiles;
import org.schedlab.experiment.Study;
import org.schedlab.report.ComparisonTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code schedlab study FILE.yaml --doc DOC.md}: regenerates the tables of a study document. */
@Command(name = "study", mixinStandardHelpOptions = true,
        description = "Run the comparisons of a study file and write their tables into a Markdown document.")
public final class StudyCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE.yaml")
    Path file;
    @Option(names = "--doc", required = true, paramLabel = "DOC.md", description = "Document with <!-- study:ID --> blocks.")
    Path doc;
    @Option(names = "--only", paramLabel = "ID", description = "Regenerate only these sections.")
    List<String> only;
    @Mixin JobsOption jobs;
    @Mixin CacheOption cache;

    /** The largest study document read. */
    static final long DOC_MAX_BYTES = 16 * InputFiles.MiB;

    @Override public Integer call() throws Exception {
        List<Study.Section> sections = Study.read(file);
        String text = InputFiles.readString(doc, "a Markdown document", DOC_MAX_BYTES);
        for (Study.Section s : sections) Study.splice(text, s.id, "", doc.toString());
        org.schedlab.experiment.HeadlineCache checksCache = cache.open();
        for (Study.Section s : sections) {
            if (only != null && !only.contains(s.id)) continue;
            long t0 = System.nanoTime();
            String body = s.checks != null ? org.schedlab.report.CheckTable.markdown(Study.runChecks(s, jobs.jobs(), checksCache))
                    : ComparisonTable.codeBlock(Study.run(s, jobs.jobs(), null));
            text = Study.splice(text, s.id, body, doc.toString());
            AtomicFiles.write(doc, text);
            System.err.printf("study: %s done in %.1f s%n", s.id, (System.nanoTime() - t0) / 1e9);
        }
        return 0;
    }
}
