package dev.dunning.rules;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.AbstractDelta;
import com.github.difflib.patch.Patch;
import dev.dunning.rules.internal.SheetGrid;
import dev.dunning.rules.internal.TableReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What changed between two versions, in the terms their authors use: for a decision table, the cells that changed
 * ({@code escalation.xlsx!Ladder!D12: 14 -> 21}) and the rows added or removed, found by aligning rows the way a text
 * diff aligns lines, so that one inserted row is one added row, not every row below it changed; for DRL and scenario
 * files, a unified diff.
 */
public final class RuleSetDiff {

    /**
     * The changes of one file.
     *
     * @param change added, removed or changed
     * @param cells changed cells, e.g. {@code escalation.xlsx!Ladder!D12: 14 -> 21}
     * @param rowsAdded rows of the newer version that the older has not, e.g. {@code escalation.xlsx!Ladder!row 14: ...}
     * @param rowsRemoved rows of the older version that the newer has not, numbered as in the older
     * @param unifiedDiff for text files (DRL, scenarios)
     * @param sheets for tables, the same changes as rows of each sheet to draw as a grid: only the rows that changed,
     *     were added or were removed, each with its cells (old and new text)
     */
    public record FileDiff(String name, String change, List<String> cells, List<String> rowsAdded,
            List<String> rowsRemoved, String unifiedDiff, List<SheetChanges> sheets) {}

    /** The changed rows of one sheet; {@code columns} are the column letters (A, B, ...) of its widest version. */
    public record SheetChanges(String sheet, List<String> columns, List<RowChange> rows) {}

    /**
     * One row that changed, was added or was removed.
     *
     * @param change {@code changed}, {@code added} or {@code removed}
     * @param row the row as Excel numbers it in the newer version (in the older one for a removed row)
     * @param was for a changed row, its number in the older version when that differs, else null
     */
    public record RowChange(String change, int row, Integer was, List<CellChange> cells) {}

    /**
     * A cell of a changed row: its text in the older and the newer version (null when empty or absent there), and
     * whether they differ.
     */
    public record CellChange(String cell, String before, String after, boolean changed) {}

    public record Result(String from, String to, List<FileDiff> files) {}

    private RuleSetDiff() {}

    public static Result diff(String fromVersion, List<RuleSource> from, String toVersion, List<RuleSource> to) {
        Map<String, RuleSource> a = byName(from);
        Map<String, RuleSource> b = byName(to);
        List<FileDiff> files = new ArrayList<>();
        for (String name : new TreeSet<>(union(a.keySet(), b.keySet()))) {
            RuleSource before = a.get(name);
            RuleSource after = b.get(name);
            if (before != null && after != null && Arrays.equals(before.content(), after.content())) {
                continue;
            }
            String change = before == null ? "added" : after == null ? "removed" : "changed";
            RuleSource any = after != null ? after : before;
            if ((any.isSpreadsheet() || any.isCsv()) && !any.isScenario()) {
                files.add(table(name, change, before, after));
            } else {
                files.add(new FileDiff(name, change, List.of(), List.of(), List.of(), text(name, before, after),
                        List.of()));
            }
        }
        return new Result(fromVersion, toVersion, files);
    }

    private static FileDiff table(String name, String change, RuleSource before, RuleSource after) {
        Map<String, SheetGrid> a = sheets(before);
        Map<String, SheetGrid> b = sheets(after);
        String base = name.substring(name.lastIndexOf('/') + 1);
        List<String> cells = new ArrayList<>();
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<SheetChanges> sheets = new ArrayList<>();
        for (String sheet : union(a.keySet(), b.keySet())) {
            String prefix = base + "!" + sheet + "!";
            SheetGrid ga = a.get(sheet);
            SheetGrid gb = b.get(sheet);
            int columns = Math.max(width(ga), width(gb));
            List<Row> rowsA = rows(ga, columns);
            List<Row> rowsB = rows(gb, columns);
            Patch<Row> patch = DiffUtils.diff(rowsA, rowsB);
            List<RowChange> changes = new ArrayList<>();
            for (AbstractDelta<Row> delta : patch.getDeltas()) {
                List<Row> src = delta.getSource().getLines();
                List<Row> dst = delta.getTarget().getLines();
                // Rows of a changed block are paired by position when the block keeps its size, else by their
                // first cell (the policy reference of a row), so a removed row does not read as every row changed.
                List<Row[]> pairs = new ArrayList<>();
                List<Row> unpairedSrc = new ArrayList<>(src);
                List<Row> unpairedDst = new ArrayList<>(dst);
                if (src.size() == dst.size()) {
                    for (int i = 0; i < src.size(); i++) {
                        pairs.add(new Row[] {src.get(i), dst.get(i)});
                    }
                    unpairedSrc.clear();
                    unpairedDst.clear();
                } else {
                    for (Row r : src) {
                        Row match = unpairedDst.stream().filter(s -> r.key() != null && r.key().equals(s.key()))
                                .findFirst().orElse(null);
                        if (match != null) {
                            pairs.add(new Row[] {r, match});
                            unpairedSrc.remove(r);
                            unpairedDst.remove(match);
                        }
                    }
                }
                for (Row[] pair : pairs) {
                    List<CellChange> row = new ArrayList<>();
                    for (int c = 0; c < columns; c++) {
                        String old = pair[0].cells.get(c);
                        String now = pair[1].cells.get(c);
                        String cell = SheetGrid.cellName(pair[1].index, c);
                        if (!Objects.equals(old, now)) {
                            cells.add(prefix + cell + ": " + shown(old) + " -> " + shown(now));
                        }
                        row.add(new CellChange(cell, old, now, !Objects.equals(old, now)));
                    }
                    changes.add(new RowChange("changed", pair[1].index + 1,
                            pair[0].index == pair[1].index ? null : pair[0].index + 1, row));
                }
                unpairedSrc.forEach(r -> {
                    removed.add(prefix + "row " + (r.index + 1) + ": " + r);
                    changes.add(new RowChange("removed", r.index + 1, null, whole(r, columns, false)));
                });
                unpairedDst.forEach(r -> {
                    added.add(prefix + "row " + (r.index + 1) + ": " + r);
                    changes.add(new RowChange("added", r.index + 1, null, whole(r, columns, true)));
                });
            }
            if (!changes.isEmpty()) {
                List<String> letters = new ArrayList<>();
                for (int c = 0; c < columns; c++) {
                    String cell = SheetGrid.cellName(0, c);
                    letters.add(cell.substring(0, cell.length() - 1));
                }
                sheets.add(new SheetChanges(sheet, letters, changes));
            }
        }
        return new FileDiff(name, change, cells, added, removed, null, sheets);
    }

    /** The cells of a row that only one version has: its texts on the side it is on. */
    private static List<CellChange> whole(Row row, int columns, boolean added) {
        List<CellChange> cells = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            String text = row.cells.get(c);
            cells.add(new CellChange(SheetGrid.cellName(row.index, c), added ? null : text, added ? text : null,
                    text != null));
        }
        return cells;
    }

    /** One sheet row: its 0-based index and the texts of its cells; equal when the texts are. */
    private record Row(int index, List<String> cells) {
        String key() {
            return cells.stream().filter(Objects::nonNull).findFirst().orElse(null);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Row r && cells.equals(r.cells);
        }

        @Override
        public int hashCode() {
            return cells.hashCode();
        }

        @Override
        public String toString() {
            return cells.stream().map(c -> c == null ? "" : c).collect(Collectors.joining(" | "));
        }
    }

    private static List<Row> rows(SheetGrid grid, int columns) {
        List<Row> rows = new ArrayList<>();
        if (grid == null || grid.isEmpty()) {
            return rows;
        }
        int last = grid.rows().lastKey();
        for (int r = 0; r <= last; r++) {
            List<String> cells = new ArrayList<>(columns);
            for (int c = 0; c < columns; c++) {
                cells.add(grid.get(r, c));
            }
            rows.add(new Row(r, cells));
        }
        return rows;
    }

    private static int width(SheetGrid grid) {
        if (grid == null) {
            return 0;
        }
        return grid.rows().values().stream().filter(r -> !r.isEmpty()).mapToInt(r -> r.lastKey() + 1).max().orElse(0);
    }

    private static Map<String, SheetGrid> sheets(RuleSource source) {
        Map<String, SheetGrid> sheets = new LinkedHashMap<>();
        if (source != null) {
            new TableReader().read(source).sheets().forEach(g -> sheets.put(g.name(), g));
        }
        return sheets;
    }

    private static String text(String name, RuleSource before, RuleSource after) {
        List<String> a = lines(before);
        List<String> b = lines(after);
        Patch<String> patch = DiffUtils.diff(a, b);
        return String.join("\n", UnifiedDiffUtils.generateUnifiedDiff(
                before == null ? "/dev/null" : "a/" + name, after == null ? "/dev/null" : "b/" + name, a, patch, 3))
                + "\n";
    }

    private static List<String> lines(RuleSource source) {
        return source == null ? List.of() : new String(source.content(), StandardCharsets.UTF_8).lines().toList();
    }

    private static String shown(String value) {
        return value == null ? "(empty)" : value;
    }

    private static Map<String, RuleSource> byName(List<RuleSource> sources) {
        return sources.stream().collect(Collectors.toMap(RuleSource::name, Function.identity(), (x, y) -> y,
                LinkedHashMap::new));
    }

    private static List<String> union(java.util.Collection<String> a, java.util.Collection<String> b) {
        List<String> all = new ArrayList<>(a);
        b.stream().filter(x -> !a.contains(x)).forEach(all::add);
        return all;
    }
}
