package org.schedlab.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.schedlab.topology.SchedDomains;
import org.schedlab.topology.Topology;
import org.schedlab.topology.TopologySources;

import java.util.concurrent.TimeUnit;

/**
 * Cost of building the whole sched-domain hierarchy ({@link SchedDomains#build}) for a large synthetic machine
 * (1024 CPUs) and for a 2-socket Genoa. Run with
 * {@code mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test} then
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) org.openjdk.jmh.Main DomainBuildBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DomainBuildBench {
    @Param({"synthetic:packages=4,llcs=16,cores=8,smt=2", "epyc-9654-2s"})
    public String source;

    private Topology topology;

    @Setup
    public void setup() {
        topology = TopologySources.resolve(source);
    }

    @Benchmark
    public SchedDomains build() {
        return SchedDomains.build(topology);
    }
}
