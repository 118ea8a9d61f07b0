package org.schedlab.report;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.schedlab.experiment.PolicyComparison;
import org.schedlab.experiment.Statistic;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ComparisonTableLayoutTest {
    @Provide
    Arbitrary<List<String>> names() {
        return Arbitraries.strings().withCharRange('a', 'z').withChars('_').ofMinLength(1).ofMaxLength(30)
                .list().ofMinSize(1).ofMaxSize(4).uniqueElements();
    }

    @Property(tries = 100)
    void columnsLineUpAndHeadingsNeverTouch(@ForAll("names") List<String> policies,
                                            @ForAll @IntRange(min = 0, max = 6) int nrows,
                                            @ForAll long seed,
                                            @ForAll boolean higher) {
        Random rnd = new Random(seed);
        PolicyComparison.Builder b = PolicyComparison.builder("t").higherIsBetter(higher)
                .statistic(Statistic.values()[rnd.nextInt(3)]).policies(policies);
        for (int r = 0; r < nrows; r++) {
            List<double[]> cells = new ArrayList<>();
            for (int p = 0; p < policies.size(); p++) {
                double[] xs = new double[1 + rnd.nextInt(4)];
                double scale = rnd.nextInt(5) == 0 ? 0 : Math.pow(10, rnd.nextInt(7) - 2);
                for (int i = 0; i < xs.length; i++) xs[i] = scale * rnd.nextDouble();
                cells.add(xs);
            }
            b.row("#".repeat(rnd.nextInt(12)) + r, cells);
        }
        ComparisonTable t = new ComparisonTable(b.build());
        String text = t.text();
        assertThat(text).doesNotContain("NaN").doesNotContain("Infinity");
        List<String> lines = text.lines().toList();
        String head = lines.get(6);
        int from = "Case:".length();
        for (String p : policies) {
            int at = head.indexOf(p + "[pct imp](CV)", from);
            assertThat(at).isGreaterThan(from);
            assertThat(head.charAt(at - 1)).isEqualTo(' ');
            from = at + p.length() + "[pct imp](CV)".length();
        }
        List<Integer> closing = null;
        for (String row : lines.subList(7, 7 + nrows)) {
            List<Integer> at = new ArrayList<>();
            for (int i = 0; i < row.length(); i++) if (row.charAt(i) == ')') at.add(i);
            assertThat(at).hasSize(policies.size());
            if (closing == null) closing = at;
            assertThat(at).isEqualTo(closing);
        }
        if (closing != null) {
            // every heading ends one (the first: two) characters before its cells' closing parenthesis
            int end = 0;
            for (int p = 0; p < policies.size(); p++) {
                end = head.indexOf("(CV)", end) + 4;
                assertThat(closing.get(p) + 1 - end).isEqualTo(p == 0 ? 2 : 1);
            }
        }
        for (ComparisonTable.Format f : ComparisonTable.Format.values())
            assertThat(t.render(f)).doesNotContain("NaN").doesNotContain("Infinity").endsWith("\n");
    }
}
