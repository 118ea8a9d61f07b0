package org.schedlab.workload.rtapp;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Random byte-level damage to an input file: deletions, insertions, replacements, duplications, truncation. */
public final class Mutations {
    private Mutations() {}

    /** One edit; positions are reduced modulo the current length when applied. */
    public static final class Edit {
        final int kind, pos, len;
        final byte value;

        Edit(int kind, int pos, int len, byte value) {
            this.kind = kind;
            this.pos = pos;
            this.len = len;
            this.value = value;
        }

        @Override public String toString() { return "edit" + kind + "@" + pos + "+" + len + "=" + (value & 0xff); }
    }

    private static final byte[] INTERESTING = "{}[]\":,/*\n\r\t -_.0123456789eE+=>|()<>#_RSDXx".getBytes(StandardCharsets.US_ASCII);

    public static Arbitrary<List<Edit>> edits() {
        Arbitrary<Byte> value = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.of(box(INTERESTING))),
                net.jqwik.api.Tuple.of(1, Arbitraries.bytes()));
        Arbitrary<Edit> edit = Combinators.combine(Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(0, Integer.MAX_VALUE), Arbitraries.integers().between(1, 24), value)
                .as(Edit::new);
        return edit.list().ofMinSize(1).ofMaxSize(6);
    }

    private static Byte[] box(byte[] b) {
        Byte[] r = new Byte[b.length];
        for (int i = 0; i < b.length; i++) r[i] = b[i];
        return r;
    }

    public static byte[] apply(byte[] in, List<Edit> edits) {
        byte[] cur = in;
        for (Edit e : edits) {
            int n = cur.length;
            int p = n == 0 ? 0 : e.pos % (n + 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream(n + e.len);
            switch (e.kind) {
                case 0: // delete
                    out.write(cur, 0, p);
                    if (p + e.len < n) out.write(cur, p + e.len, n - p - e.len);
                    break;
                case 1: // insert
                    out.write(cur, 0, p);
                    for (int i = 0; i < Math.min(e.len, 3); i++) out.write(e.value);
                    out.write(cur, p, n - p);
                    break;
                case 2: // replace one byte
                    out.write(cur, 0, n);
                    break;
                case 3: // truncate
                    out.write(cur, 0, p);
                    break;
                case 4: { // duplicate a chunk in place
                    int len = Math.min(e.len * 4, n - p);
                    out.write(cur, 0, p + len);
                    out.write(cur, p, n - p);
                    break;
                }
                default: // swap a chunk to the end
                    out.write(cur, 0, p);
                    int len = Math.min(e.len, n - p);
                    out.write(cur, p + len, n - p - len);
                    out.write(cur, p, len);
            }
            cur = out.toByteArray();
            if (e.kind == 2 && p < cur.length) cur[p] = e.value;
        }
        return cur;
    }
}
