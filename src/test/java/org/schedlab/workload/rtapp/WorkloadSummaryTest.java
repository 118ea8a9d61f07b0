package org.schedlab.workload.rtapp;

import org.junit.jupiter.api.Test;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.WorkloadSummary;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class WorkloadSummaryTest {
    @Test
    void finiteRtAppWorkloadHasATotal() {
        WorkloadSpec s = RtAppReaderTest.load("features.json");
        Map<String, Object> d = WorkloadSummary.data(s);
        assertThat(d).containsEntry("name", "rtapp:features.json").containsEntry("tasks", 7L);
        // worker 3 x 10 x 1ms, leader 10 x 200us, consumer 10 x 100us, spawner 2 forks x 700us + 5 x 300us, child_waiter 2 x 50us
        assertThat(d).containsEntry("total_cpu_ns", 36_000_000L);
        List<?> templates = (List<?>) d.get("templates");
        assertThat(templates).hasSize(6);
        @SuppressWarnings("unchecked")
        Map<String, Object> worker = (Map<String, Object>) templates.get(0);
        assertThat(worker).containsEntry("comm", "worker").containsEntry("instances", 3).containsEntry("allowed", "1,3")
                .containsEntry("cpu_ns", 10_000_000L);
        assertThat((String) worker.get("program")).isEqualTo("loop 10 { runtime 1ms, barrier b0/4, sleep 500us }, exit");
    }

    @Test
    void endlessWorkloadHasNoTotal() {
        WorkloadSpec s = RtAppReaderTest.load("mp3-short.json");
        Map<String, Object> d = WorkloadSummary.data(s);
        assertThat(d.get("total_cpu_ns")).isNull();
        assertThat(d).containsEntry("tasks", 5L);
        String text = WorkloadSummary.text(s);
        assertThat(text).contains("workload rtapp:mp3-short.json: 5 templates, 5 tasks at start")
                .contains("AudioTick    x1  nice -19  cpus 0  : forever { lock m0, condbroadcast c0, unlock m0, timer#0 6ms, loop 4 { timer#0 6ms } }, exit")
                .contains("warnings:");
    }

    @Test
    void longProgramsAreElidedInText() {
        String text = WorkloadSummary.text(RtAppReaderTest.load("browser-short.json"));
        assertThat(text).contains("more ops)");
        assertThat(text.lines().filter(l -> l.startsWith("  BrowserMain")).findFirst().orElseThrow().length()).isLessThan(600);
    }

    @Test
    void durations() {
        assertThat(WorkloadSummary.fmtNs(6_000_000)).isEqualTo("6ms");
        assertThat(WorkloadSummary.fmtNs(275_000)).isEqualTo("275us");
        assertThat(WorkloadSummary.fmtNs(1500)).isEqualTo("1500ns");
        assertThat(WorkloadSummary.fmtNs(2_000_000_000L)).isEqualTo("2s");
        assertThat(WorkloadSummary.fmtNs(0)).isEqualTo("0ns");
    }
}
