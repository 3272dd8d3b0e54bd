package modulets.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The one table of the harness: printed as text, written as Markdown to paste into docs/PERFORMANCE.md. */
public final class Table {
    private static final String[] HEADER = {"figure", "JDK", "none", "modulets", "TTL", "ratio / added", "target",
        "met?"};

    private final List<Row> rows = new ArrayList<>();

    public void add(Row row) {
        rows.add(row);
        System.out.println("modulets.bench: " + String.join(" | ", cells(row)));
    }

    public void addAll(List<Row> more) {
        more.forEach(this::add);
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    /** Fixed-width text, one line per figure. */
    public String text() {
        int[] widths = new int[HEADER.length];
        List<String[]> all = new ArrayList<>();
        all.add(HEADER);
        rows.forEach(r -> all.add(cells(r)));
        for (String[] cells : all) {
            for (int i = 0; i < cells.length; i++) {
                widths[i] = Math.max(widths[i], cells[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] cells : all) {
            for (int i = 0; i < cells.length; i++) {
                out.append(String.format(Locale.ROOT, i == 0 ? "%-" + widths[i] + "s" : "  %-" + widths[i] + "s",
                        cells[i]));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** A Markdown table. */
    public String markdown() {
        StringBuilder out = new StringBuilder("| " + String.join(" | ", HEADER) + " |\n|");
        out.append("---|".repeat(HEADER.length)).append('\n');
        for (Row row : rows) {
            out.append("| ").append(String.join(" | ", cells(row)).replace("\n", " ")).append(" |\n");
        }
        return out.toString();
    }

    public void writeMarkdown(Path file, String heading) throws IOException {
        Files.writeString(file, heading + "\n\n" + markdown());
    }

    private static String[] cells(Row r) {
        return new String[] {r.figure(), r.jdk(), r.none(), r.modulets(), r.ttl(), r.added(), r.target(),
            r.verdict().toString()};
    }
}
