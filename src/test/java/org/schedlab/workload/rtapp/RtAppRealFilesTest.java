package org.schedlab.workload.rtapp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.schedlab.workload.rtapp.UseCase.MS;
import static org.schedlab.workload.rtapp.UseCase.US;

/**
 * The real use cases keep every thread going, and the threads a timer drives take the CPU time their events
 * add up to. Four seconds of each, on eight identical CPUs and on the Juno board the workload-automation files
 * were made for.
 */
class RtAppRealFilesTest {
    private static final long RUN_NS = 4000 * MS;

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({
            "video-short.json, synthetic:cores=8", "video-short.json, juno-r0",
            "video-long.json, synthetic:cores=8", "video-long.json, juno-r0",
            "mp3-short.json, synthetic:cores=8", "mp3-short.json, juno-r0",
            "browser-short.json, synthetic:cores=8", "browser-short.json, juno-r0",
            "camera-short.json, synthetic:cores=8", "camera-short.json, juno-r0",
            "spreading-tasks.json, synthetic:cores=8", "spreading-tasks.json, juno-r0"})
    void noThreadStaysBlocked(String file, String topology) {
        WorkloadSpec spec = RtAppReaderTest.load(file);
        UseCase u = UseCase.run(spec, topology, RUN_NS);
        assertThat(u.comm).hasSize(spec.templates.size());
        for (Map.Entry<Integer, String> t : u.comm.entrySet()) {
            int pid = t.getKey();
            assertThat(u.lateSwitchIns.getOrDefault(pid, 0)).as("%s switched in during the last 2 s", t.getValue()).isPositive();
            if (hasWork(RtAppReaderTest.template(spec, t.getValue())))
                assertThat(u.lateCpuNs.getOrDefault(pid, 0L)).as("%s CPU time in the last 2 s", t.getValue()).isPositive();
        }
    }

    private static boolean hasWork(TaskTemplate t) {
        for (Op op : t.program) if (op instanceof Op.Run && ((Op.Run) op).work.mean() > 0) return true;
        return false;
    }

    /** CPU time of {@code work} per {@code period} over the run, to within the part-cycles at either end. */
    private static void perPeriod(UseCase u, String task, long workNs, double periodNs) {
        assertThat((double) u.cpu(task)).as(task).isCloseTo(RUN_NS / periodNs * workNs, within(2.0 * workNs));
    }

    @Test
    void videoThreadsDrivenByTimersTakeTheirEvents() {
        UseCase u = UseCase.run(RtAppReaderTest.load("video-short.json"), "synthetic:cores=8", RUN_NS);
        // hwc_eventmon: resume, run 115, timerA 16667
        perPeriod(u, "hwc_eventmon", 115 * US, 16_667 * US);
        // waker resumes NuPlayerRenderer every 33.333 ms: three p1 (140 + 95) then p2 (sleep 27 ms, run 580, three
        // resumes), which ends before the fourth resume: one cycle per 100 ms
        perPeriod(u, "NuPlayerRenderer", (3 * 235 + 580) * US, 3 * 33_333 * US);
        perPeriod(u, "NPDecoder", 2500 * US, 3 * 33_333 * US);
        perPeriod(u, "NPDecoder-CL", 2670 * US, 3 * 33_333 * US);
        perPeriod(u, "gle.aac.decoder", 2445 * US, 3 * 33_333 * US);
        // OMXCallbackDisp1 is resumed by NPDecoder once per cycle
        perPeriod(u, "OMXCallbackDisp1", 625 * US, 3 * 33_333 * US);
    }

    @Test
    void mp3ThreadsFollowTheAudioTick() {
        // AudioTick resumes AudioOut every 5 x 6 ms; each thread down the chain wakes once per resume
        UseCase u = UseCase.run(RtAppReaderTest.load("mp3-short.json"), "synthetic:cores=8", RUN_NS);
        perPeriod(u, "AudioOut", 5000 * US, 30 * MS);
        perPeriod(u, "AudioTrack", 300 * US, 30 * MS);
        perPeriod(u, "mp3.decoder", 1150 * US, 30 * MS);
        perPeriod(u, "OMXCall", 300 * US, 30 * MS);
    }

    @Test
    void cameraAudioChainAndSharedTimer() {
        // sixteen CPUs: on eight, camera's bursts now and then hold SensorService past its boundary, and the
        // relative timer then restarts from the late wakeup
        UseCase u = UseCase.run(RtAppReaderTest.load("camera-short.json"), "synthetic:cores=16", RUN_NS);
        perPeriod(u, "AudioTick", 150 * US, 20 * MS);
        perPeriod(u, "AudioIn", 2730 * US, 20 * MS);
        // SensorService (3 ms per use, 300 us of run before each) and DisplaySync (16.667 ms, 300 us) advance one
        // timer "timerB": each wakes 3 or 16.667 ms after the boundary the other one set, so they take turns,
        // one use each per 19.667 ms
        perPeriod(u, "SensorService", 300 * US, 19_667 * US);
        perPeriod(u, "DisplaySync", 300 * US, 19_667 * US);
    }
}
