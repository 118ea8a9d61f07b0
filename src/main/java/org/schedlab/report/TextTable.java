package org.schedlab.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table for human-readable summaries: a heading line, a line of dashes under each heading, then
 * the rows; each column as wide as its widest entry, left- or right-aligned, columns two spaces apart, no
 * trailing spaces, every line ending in a newline. Cells are rendered with {@link String#valueOf(Object)};
 * null renders as an empty cell.
 */
public final class TextTable {
    public enum Align { LEFT, RIGHT }

    private static final String SEPARATOR = "  ";

    private final List<String> headings = new ArrayList<>();
    private final List<Align> aligns = new ArrayList<>();
    private final List<String[]> rows = new ArrayList<>();

    /** Adds a left-aligned column (for names and labels). */
    public TextTable left(String heading) { return column(heading, Align.LEFT); }

    /** Adds a right-aligned column (for numbers). */
    public TextTable right(String heading) { return column(heading, Align.RIGHT); }

    public TextTable column(String heading, Align align) {
        if (!rows.isEmpty()) throw new IllegalStateException("columns must be declared before rows");
        headings.add(heading);
        aligns.add(align);
        return this;
    }

    /** Adds a row with one cell per column. */
    public TextTable row(Object... cells) {
        if (cells.length != headings.size())
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + headings.size() + " columns");
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) r[i] = cells[i] == null ? "" : String.valueOf(cells[i]);
        rows.add(r);
        return this;
    }

    public int rowCount() { return rows.size(); }

    public String render() {
        int nc = headings.size();
        int[] w = new int[nc];
        for (int c = 0; c < nc; c++) w[c] = headings.get(c).length();
        for (String[] r : rows) for (int c = 0; c < nc; c++) w[c] = Math.max(w[c], r[c].length());
        StringBuilder sb = new StringBuilder();
        line(sb, headings.toArray(new String[0]), w);
        String[] dashes = new String[nc];
        for (int c = 0; c < nc; c++) dashes[c] = "-".repeat(w[c]);
        line(sb, dashes, w);
        for (String[] r : rows) line(sb, r, w);
        return sb.toString();
    }

    private void line(StringBuilder sb, String[] cells, int[] w) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) l.append(SEPARATOR);
            String pad = " ".repeat(w[c] - cells[c].length());
            if (aligns.get(c) == Align.RIGHT) l.append(pad).append(cells[c]);
            else l.append(cells[c]).append(pad);
        }
        int end = l.length();
        while (end > 0 && l.charAt(end - 1) == ' ') end--;
        sb.append(l, 0, end).append('\n');
    }

    @Override
    public String toString() { return render(); }
}
