package io.modulets.cli;

import io.modulets.config.Log;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A table for people: a header row and rows of cells, columns separated by two spaces and as
 * wide as their widest cell, numbers right-aligned, no trailing blanks. A cell is one line: line
 * breaks inside it are shown as spaces, so a row is always one line.
 */
final class Table {
    private final String[] headers;
    private final boolean[] rightAligned;
    private final List<String[]> rows = new ArrayList<>();

    /** Columns named by {@code headers}; a header that starts with {@code '>'} is right-aligned (the mark is not shown). */
    Table(String... headers) {
        this.headers = new String[headers.length];
        this.rightAligned = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            rightAligned[i] = headers[i].startsWith(">");
            this.headers[i] = rightAligned[i] ? headers[i].substring(1) : headers[i];
        }
    }

    Table row(Object... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException(cells.length + " cells for " + headers.length + " columns");
        }
        rows.add(Arrays.stream(cells).map(Table::cell).toArray(String[]::new));
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The table, each line ending with a newline; with {@code withHeader} false only the rows. */
    String render(boolean withHeader) {
        int[] widths = new int[headers.length];
        List<String[]> lines = new ArrayList<>();
        if (withHeader) {
            lines.add(headers);
        }
        lines.addAll(rows);
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] line : lines) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                if (i > 0) {
                    text.append("  ");
                }
                String pad = " ".repeat(widths[i] - line[i].length());
                text.append(rightAligned[i] ? pad + line[i] : line[i] + pad);
            }
            out.append(text.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    String render() {
        return render(true);
    }

    private static String cell(Object value) {
        String text = value == null ? "-" : String.valueOf(value);
        return text.isEmpty() ? "-" : Log.escape(text); // a jar named with a newline or ESC stays in its cell
    }
}
