package org.schedlab.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The report as a browser sees it: headless Chromium loads the page, and the DOM it dumps holds the heatmap and
 * charts, with a script-bearing workload name shown as text and never run. Skipped when no {@code chromium} is on
 * the PATH (.ci/run installs it).
 */
class ReportBrowserTest {
    private static final String PAYLOAD = "<script>document.title='pwned'</script>";

    @TempDir Path tmp;

    static Optional<Path> chromium() {
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, "chromium");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    private Path browse(Path chromium, Path page, String... mode) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + tmp.resolve("profile")));
        cmd.addAll(List.of(mode));
        cmd.add(page.toUri().toString());
        Path out = tmp.resolve("stdout-" + mode[0].replaceAll("\\W", ""));
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("chromium did not finish within 30 s: " + cmd);
        }
        assertThat(p.exitValue()).as("chromium exit status").isZero();
        return out;
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    @Test
    void headlessChromiumShowsChartsAndNeverRunsInputs() throws Exception {
        Optional<Path> chromium = chromium();
        assumeTrue(chromium.isPresent(), "no chromium on the PATH");

        Path in = tmp.resolve("results");
        ReportFixtures.writeRuns(in);
        ObjectNode evil = ReportFixtures.runs().get(0).deepCopy();
        ((ObjectNode) evil.get("config")).put("workload", PAYLOAD);
        ReportFixtures.write(in.resolve("evil.json"), evil);
        Path page = tmp.resolve("report.html");
        Files.writeString(page, HtmlReport.render(HtmlReport.load(in, w -> {})));

        String dom = Files.readString(browse(chromium.get(), page, "--dump-dom"));
        Matcher title = Pattern.compile("<title>(.*?)</title>").matcher(dom);
        assertThat(title.find()).as("a title in the DOM").isTrue();
        assertThat(title.group(1)).isEqualTo("schedlab report");
        assertThat(dom).contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;");
        assertThat(dom).doesNotContain("<script");
        assertThat(count(dom, "<svg class=\"heatmap\"")).isEqualTo(3);
        assertThat(count(dom, "<rect class=\"u(10|[1-9])\" ")).isPositive();
        assertThat(count(dom, "<polyline class=\"cdf\"")).isPositive();
        assertThat(count(dom, "<rect class=\"bar\"")).isPositive();
        assertThat(count(dom, "<pre class=\"comparison\">")).isPositive();

        Path png = tmp.resolve("shot.png");
        browse(chromium.get(), page, "--screenshot=" + png, "--window-size=1280,2400");
        byte[] img = Files.readAllBytes(png);
        assertThat(img.length).isGreaterThan(20_000);
        assertThat(new String(img, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }
}
