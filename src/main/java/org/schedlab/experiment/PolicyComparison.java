package org.schedlab.experiment;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Several policies compared on one metric against a baseline (the first policy), one row per case: the numbers a
 * comparison table shows, computed once so that every format prints the same ones.
 *
 * <p>Each cell holds, for one (case, policy): the summary of the policy's samples; the chosen {@link Statistic}
 * of them; that statistic normalized to the baseline's (baseline = 1); the percent improvement over the
 * baseline, signed so that positive is better ({@link Stats#pctImprovement}); and whether Welch's t-test finds
 * the means different from the baseline's at {@link Stats#CONFIDENCE}. The baseline's own improvement is
 * {@code -0.0} when lower is better and {@code 0.0} when higher is better. Where the baseline statistic is 0 and
 * the policy's is not, no ratio exists and the normalized value and improvement are empty; no field is NaN
 * except a summary's harmonic mean of negative samples, which is rejected when that is the statistic.
 *
 * <p>A sample that is {@link #UNFINISHED} is a run that stopped before its headline existed. A (case, policy) with
 * any such sample is unfinished: it has no summary and no value (the finished seeds alone would be a biased
 * mean), it is never significant, and when it is the baseline no other cell of its row has a ratio.
 */
public final class PolicyComparison {
    /** The sample of a run that stopped before its headline existed (see {@link Runner#unfinished}). */
    public static final double UNFINISHED = Double.NaN;

    /**
     * One (case, policy) result. {@code normalized} and {@code pctImp} are empty when the baseline statistic is
     * 0 and this policy's is not, or when the baseline is unfinished. {@code unfinished} counts the samples that
     * are {@link #UNFINISHED} out of {@code runs}; when it is not 0, {@code summary} is null and {@code value} NaN.
     */
    public record Cell(String policy, Summary summary, double value, OptionalDouble normalized,
                       OptionalDouble pctImp, boolean significant, int unfinished, int runs) {
        /** Whether every run of the cell finished, so that it has a value. */
        public boolean finished() { return unfinished == 0; }
    }

    /** One case: its label and a cell per policy, baseline first. */
    public record Row(String label, List<Cell> cells) {}

    private final String test;
    private final String units;
    private final boolean higherIsBetter;
    private final Statistic statistic;
    private final String caseHeader;
    private final List<String> policies;
    private final List<Row> rows;

    private PolicyComparison(Builder b) {
        this.test = b.test;
        this.units = b.units;
        this.higherIsBetter = b.higherIsBetter;
        this.statistic = b.statistic;
        this.caseHeader = b.caseHeader;
        this.policies = List.copyOf(b.policies);
        List<Row> rs = new ArrayList<>();
        for (int r = 0; r < b.labels.size(); r++) rs.add(computeRow(b.labels.get(r), b.samples.get(r)));
        this.rows = Collections.unmodifiableList(rs);
    }

    public static Builder builder(String test) { return new Builder(test); }

    public String test() { return test; }
    public String units() { return units; }
    public boolean higherIsBetter() { return higherIsBetter; }
    public Statistic statistic() { return statistic; }
    /** Heading of the case column, "Case:" by default. */
    public String caseHeader() { return caseHeader; }
    public List<String> policies() { return policies; }
    public List<Row> rows() { return rows; }

    /** "Higher is better" or "Lower is better". */
    public String interpretation() { return higherIsBetter ? "Higher is better" : "Lower is better"; }

    private Row computeRow(String label, List<double[]> perPolicy) {
        Summary base = null;
        double baseValue = 0;
        List<Cell> cells = new ArrayList<>();
        for (int p = 0; p < policies.size(); p++) {
            double[] xs = perPolicy.get(p);
            int unfinished = 0;
            for (double x : xs) if (Double.isNaN(x)) unfinished++;
            if (unfinished > 0) {
                cells.add(new Cell(policies.get(p), null, Double.NaN, OptionalDouble.empty(), OptionalDouble.empty(),
                        false, unfinished, xs.length));
                continue;
            }
            if (statistic == Statistic.HMEAN)
                for (double x : xs)
                    if (x < 0) throw new IllegalArgumentException("case '" + label + "', policy '"
                            + policies.get(p) + "': harmonic mean of a negative sample " + x);
            Summary s = Summary.of(xs);
            double v = s.get(statistic);
            if (p == 0) {
                base = s;
                baseValue = v;
                cells.add(new Cell(policies.get(0), s, v, OptionalDouble.of(1.0),
                        OptionalDouble.of(higherIsBetter ? 0.0 : -0.0), false, 0, xs.length));
                continue;
            }
            if (base == null) {
                // the baseline is unfinished: nothing to compare with
                cells.add(new Cell(policies.get(p), s, v, OptionalDouble.empty(), OptionalDouble.empty(), false, 0, xs.length));
                continue;
            }
            double pct = Stats.pctImprovement(baseValue, v, higherIsBetter);
            OptionalDouble norm, imp;
            if (Double.isFinite(pct)) {
                norm = OptionalDouble.of(baseValue == 0 ? 1.0 : v / baseValue);
                imp = OptionalDouble.of(pct);
            } else {
                norm = OptionalDouble.empty();
                imp = OptionalDouble.empty();
            }
            cells.add(new Cell(policies.get(p), s, v, norm, imp, Stats.welch(base, s).significant(), 0, xs.length));
        }
        return new Row(label, List.copyOf(cells));
    }

    /** Collects the comparison's description and samples; {@link #build()} validates and computes every cell. */
    public static final class Builder {
        private final String test;
        private String units = "";
        private Boolean higherIsBetter;
        private Statistic statistic = Statistic.AMEAN;
        private String caseHeader = "Case:";
        private List<String> policies = List.of();
        private final List<String> labels = new ArrayList<>();
        private final List<List<double[]>> samples = new ArrayList<>();

        private Builder(String test) {
            if (test == null || test.isBlank()) throw new IllegalArgumentException("test name is empty");
            this.test = test;
        }

        public Builder units(String units) { this.units = units; return this; }

        public Builder higherIsBetter(boolean higher) { this.higherIsBetter = higher; return this; }

        public Builder statistic(Statistic s) { this.statistic = s; return this; }

        /** Heading of the case column in text output, "Case:" by default (the letters also use "Clients:"). */
        public Builder caseHeader(String h) { this.caseHeader = h; return this; }

        /** The policies, baseline first. */
        public Builder policies(String... names) { return policies(List.of(names)); }

        public Builder policies(List<String> names) {
            if (names.isEmpty()) throw new IllegalArgumentException("no policies");
            if (new HashSet<>(names).size() != names.size())
                throw new IllegalArgumentException("duplicate policy names in " + names);
            for (String n : names)
                if (n.isBlank()) throw new IllegalArgumentException("blank policy name in " + names);
            this.policies = List.copyOf(names);
            return this;
        }

        /**
         * A case: its label and the samples (one per seed) of each policy, in policy order; a sample may be
         * {@link #UNFINISHED}, any other must be finite.
         */
        public Builder row(String label, double[]... samplesPerPolicy) { return row(label, List.of(samplesPerPolicy)); }

        public Builder row(String label, List<double[]> samplesPerPolicy) {
            if (policies.isEmpty()) throw new IllegalStateException("set the policies before adding rows");
            if (samplesPerPolicy.size() != policies.size())
                throw new IllegalArgumentException("case '" + label + "' has samples for " + samplesPerPolicy.size()
                        + " policies, expected " + policies.size());
            List<double[]> copy = new ArrayList<>();
            for (int p = 0; p < samplesPerPolicy.size(); p++) {
                double[] xs = samplesPerPolicy.get(p);
                if (xs == null || xs.length == 0)
                    throw new IllegalArgumentException("case '" + label + "', policy '" + policies.get(p) + "': no samples");
                copy.add(xs.clone());
            }
            labels.add(label);
            samples.add(copy);
            return this;
        }

        public PolicyComparison build() {
            if (policies.isEmpty()) throw new IllegalStateException("no policies");
            if (higherIsBetter == null)
                throw new IllegalStateException("say whether higher or lower is better for '" + test + "'");
            for (int r = 0; r < labels.size(); r++)
                if (samples.get(r).size() != policies.size())
                    throw new IllegalStateException("case '" + labels.get(r) + "' was added for other policies");
            return new PolicyComparison(this);
        }
    }}
