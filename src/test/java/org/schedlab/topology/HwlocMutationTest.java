package org.schedlab.topology;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Damaged hwloc files: the reader returns a topology or throws a one-line TopologyException, nothing else. */
class HwlocMutationTest {
    private static final byte[] RAPTOR = Fixtures.bytes(Fixtures.RAPTOR_LAKE);
    private static final byte[] MILAN = Fixtures.bytes(Fixtures.EPYC_7763);
    /** Bytes that tend to keep a document well formed while changing what it says. */
    private static final byte[] INTERESTING = "<>\"'/=,0123456789xf \n&;-".getBytes();

    /** One edit at a relative position in [0, 1). */
    record Edit(int kind, double at, int length, byte value) {}

    @Provide
    Arbitrary<List<Edit>> edits() {
        Arbitrary<Edit> one = Combinators.combine(
                Arbitraries.integers().between(0, 4),
                Arbitraries.doubles().between(0, 1).ofScale(6),
                Arbitraries.integers().between(1, 64),
                Arbitraries.oneOf(Arbitraries.of(box(INTERESTING)), Arbitraries.bytes()))
                .as(Edit::new);
        return one.list().ofMinSize(1).ofMaxSize(6);
    }

    private static Byte[] box(byte[] b) {
        Byte[] out = new Byte[b.length];
        for (int i = 0; i < b.length; i++) out[i] = b[i];
        return out;
    }

    static byte[] apply(byte[] base, List<Edit> edits) {
        byte[] d = base;
        for (Edit e : edits) {
            int pos = (int) Math.min(d.length, Math.floor(e.at() * d.length));
            switch (e.kind()) {
                case 0: { // delete a run of bytes
                    int end = Math.min(d.length, pos + e.length());
                    byte[] n = new byte[d.length - (end - pos)];
                    System.arraycopy(d, 0, n, 0, pos);
                    System.arraycopy(d, end, n, pos, d.length - end);
                    d = n;
                    break;
                }
                case 1: { // insert copies of one byte
                    int k = 1 + e.length() % 4;
                    byte[] n = new byte[d.length + k];
                    System.arraycopy(d, 0, n, 0, pos);
                    Arrays.fill(n, pos, pos + k, e.value());
                    System.arraycopy(d, pos, n, pos + k, d.length - pos);
                    d = n;
                    break;
                }
                case 2: // truncate
                    d = Arrays.copyOf(d, pos);
                    break;
                case 3: // overwrite one byte
                    if (pos < d.length) {
                        d = d.clone();
                        d[pos] = e.value();
                    }
                    break;
                default: { // bump a digit, keeping the document well formed more often than not
                    d = d.clone();
                    for (int i = pos; i < d.length; i++)
                        if (d[i] >= '0' && d[i] <= '9') {
                            d[i] = (byte) ('0' + (d[i] - '0' + e.length()) % 10);
                            break;
                        }
                }
            }
        }
        return d;
    }

    private static void check(byte[] data) throws IOException {
        Path f = Files.createTempFile("mutated", ".xml");
        try {
            Files.write(f, data);
            try {
                Topology t = HwlocReader.read(f, new TopologySources.Options());
                assertThat(t.nrCpus()).isPositive();
                SchedDomains.build(t);
            } catch (TopologyException e) {
                assertThat(e.getMessage()).isNotBlank().doesNotContain("\n").startsWith(f.toString());
            }
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Property(tries = 400, shrinking = ShrinkingMode.BOUNDED)
    void mutatedHybridFileReadsOrFailsCleanly(@ForAll("edits") List<Edit> edits) throws IOException {
        check(apply(RAPTOR, edits));
    }

    @Property(tries = 60, shrinking = ShrinkingMode.BOUNDED)
    void mutatedServerFileReadsOrFailsCleanly(@ForAll("edits") List<Edit> edits) throws IOException {
        check(apply(MILAN, edits));
    }
}
