package org.schedlab.cli;

import org.schedlab.AtomicFiles;
import org.schedlab.InputError;
import org.schedlab.report.ComparisonTable;
import org.schedlab.report.HtmlReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code schedlab report DIR}: summarises the result JSON files under DIR as one self-contained HTML page
 * ({@code --html FILE}, written atomically) or, without {@code --html}, as comparison tables on stdout. Files that
 * are not results are skipped with a warning on stderr; no result at all is an input error.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Summarise the result JSON files under a directory (recursively) as an HTML report.")
public final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "Directory holding result JSON files (run --json).")
    Path dir;
    @Option(names = "--html", paramLabel = "FILE", description = "Write the self-contained HTML report here.")
    Path html;
    @Spec CommandSpec spec;

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (html != null) AtomicFiles.checkTarget(html);
        HtmlReport.Loaded loaded = HtmlReport.load(dir, w -> {
            err.println("schedlab: warning: skipping " + w);
            err.flush();
        });
        if (loaded.results().isEmpty()) throw new InputError(dir + ": no schedlab result JSON files found");
        if (html != null) {
            AtomicFiles.write(html, HtmlReport.render(loaded));
            int n = loaded.results().size();
            out.println("wrote " + html + " (" + n + (n == 1 ? " result)" : " results)"));
        } else {
            for (ComparisonTable t : HtmlReport.tables(loaded.results())) out.print(t.text() + "\n");
        }
        out.flush();
        return 0;
    }
}
