package org.schedlab.workload.trace;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.schedlab.workload.WorkloadException;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.WorkloadSummary;
import org.schedlab.workload.rtapp.Mutations;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Damaged traces either load and replay or fail with a one-line {@link WorkloadException}, quickly. */
class TraceFuzzTest {
    private static final Map<String, byte[]> FILES = Map.of(
            "juno-slice.txt", slice("juno-trace.txt", 0, 70),
            "juno-middle.txt", slice("juno-trace.txt", 1740, 1800),
            "modern-trace.txt", slice("modern-trace.txt", 0, 1000),
            "perf-sched-script.txt", slice("perf-sched-script.txt", 0, 1000));

    private static byte[] slice(String name, int from, int to) {
        List<String> lines = TraceReaderTest.lines(name);
        return (String.join("\n", lines.subList(from, Math.min(to, lines.size()))) + "\n").getBytes(StandardCharsets.UTF_8);
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
                TraceModel m = TraceReader.parse(file, file, input);
                WorkloadSpec s = TraceReplay.build(m, ReplayOptions.defaults());
                ReplayOptions latch = ReplayOptions.defaults();
                latch.wakeMode = ReplayOptions.WakeMode.SUSPEND_RESUME;
                TraceReplay.build(m, latch);
                WorkloadSummary.data(s);
                long work = 0;
                for (var t : s.templates) work += TraceReplayTest.work(t);
                assertThat(work).isEqualTo(m.totalCpuNs());
            } catch (WorkloadException e) {
                assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\r").startsWith(file + ":");
            }
        }
        assertThat(System.nanoTime() - start).as("parse time in ns").isLessThan(Duration.ofSeconds(2).toNanos());
    }

    @Property(tries = 1000)
    void junoSlice(@ForAll("edits") List<Mutations.Edit> edits) { check("juno-slice.txt", edits); }

    @Property(tries = 500)
    void junoMiddle(@ForAll("edits") List<Mutations.Edit> edits) { check("juno-middle.txt", edits); }

    @Property(tries = 1000)
    void modern(@ForAll("edits") List<Mutations.Edit> edits) { check("modern-trace.txt", edits); }

    @Property(tries = 1000)
    void perf(@ForAll("edits") List<Mutations.Edit> edits) { check("perf-sched-script.txt", edits); }
}
