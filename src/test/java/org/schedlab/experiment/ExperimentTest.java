package org.schedlab.experiment;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExperimentTest {
    private static final List<Integer> INPUTS = IntStream.range(0, 40).boxed().toList();

    @Test
    void resultsAreInInputOrderWhateverTheThreadCount() throws Exception {
        for (int jobs : new int[]{1, 2, 3, 8, 100}) {
            List<String> out = Experiment.map(INPUTS, jobs, (i, x) -> {
                Thread.sleep((x * 7) % 5);
                return i + ":" + x * x;
            }, null);
            assertThat(out).hasSize(40);
            for (int i = 0; i < 40; i++) assertThat(out.get(i)).isEqualTo(i + ":" + i * i);
        }
    }

    @Test
    void listenerSeesEveryCompletionOnceWithRisingCounts() {
        List<Integer> indices = Collections.synchronizedList(new ArrayList<>());
        List<Integer> dones = new ArrayList<>();
        Experiment.map(INPUTS, 4, (i, x) -> x, (i, done, total) -> {
            indices.add(i);
            dones.add(done);
            assertThat(total).isEqualTo(40);
        });
        assertThat(indices).containsExactlyInAnyOrderElementsOf(INPUTS);
        assertThat(dones).containsExactlyElementsOf(IntStream.rangeClosed(1, 40).boxed().toList());
    }

    @Test
    void aFailureStopsTheRestAndIsRethrown() {
        AtomicInteger started = new AtomicInteger();
        assertThatThrownBy(() -> Experiment.map(INPUTS, 1, (i, x) -> {
            started.incrementAndGet();
            if (x == 5) throw new IllegalStateException("boom at " + x);
            return x;
        }, null)).isInstanceOf(IllegalStateException.class).hasMessage("boom at 5");
        assertThat(started.get()).isEqualTo(6);
        assertThatThrownBy(() -> Experiment.map(INPUTS, 2, (i, x) -> {
            throw new java.io.IOException("io");
        }, null)).isInstanceOf(RuntimeException.class).hasCauseInstanceOf(java.io.IOException.class);
    }

    @Test
    void emptyInputAndBadJobs() {
        assertThat(Experiment.map(List.of(), 3, (i, x) -> x, null)).isEmpty();
        assertThatThrownBy(() -> Experiment.map(INPUTS, 0, (i, x) -> x, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void runErrorsNameTheRun() {
        RunSpec s = RunSpec.of("synthetic:cores=2", "pull", "poisson:rate=oops", 1_000_000_000L, 4);
        assertThatThrownBy(() -> Experiment.run(s)).isInstanceOf(org.schedlab.InputError.class)
                .hasMessageStartingWith("run of pull on synthetic:cores=2 with poisson:rate=oops, seed 4: ")
                .hasMessageContaining("rate");
    }
}
