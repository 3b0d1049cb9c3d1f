package dev.dunning.rules;

import dev.dunning.rules.internal.SheetGrid;
import dev.dunning.rules.internal.TableReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cells of a decision table as its author sees them in Excel (the same reading the checks and Drools make), with
 * the problems found in it placed on their cells: what the console shows so that a credit controller sees which cell
 * is wrong. A long sheet is cut to its first rows and the rows around each problem.
 */
public final class TableGrids {

    /** Rows of a sheet shown in full; a longer sheet shows its head and the rows near its problems. */
    static final int WHOLE_SHEET_ROWS = 60;
    static final int HEAD_ROWS = 8;
    /** RuleTable, RuleSet type row, object types, constraints, column labels. */
    static final int TABLE_HEAD_ROWS = 5;
    static final int AROUND = 2;
    private static final Pattern CELL = Pattern.compile("([A-Z]{1,3})([0-9]{1,7})");

    private TableGrids() {}

    /** One sheet: its column letters, its rows (gaps between shown rows are marked), and the problems in it. */
    public record Grid(String file, String sheet, List<String> columns, List<Row> rows, List<RuleProblem> problems) {}

    /**
     * A row as Excel numbers it; {@code gapBefore} when rows above it are left out; {@code highlighted} for the row a
     * decision fired from ({@link #firedRow}); {@code marks}: the problems about the whole row (a gap or an overlap
     * between rows), their numbers in the sheet's list, and {@code severity} the worst of them.
     */
    public record Row(int number, boolean gapBefore, List<Cell> cells, boolean highlighted, List<Integer> marks,
            String severity) {}

    /** A cell's text and the problems placed on it (their numbers in the sheet's list, 1-based). */
    public record Cell(String name, String text, String severity, List<Integer> marks) {}

    /**
     * The sheets of a decision table file that the problems point into, each with its problems on their cells. A file
     * that cannot be read gives no grids (its problems say why).
     */
    public static List<Grid> of(RuleSource source, List<RuleProblem> problems) {
        if (!(source.isSpreadsheet() || source.isCsv())) {
            return List.of();
        }
        List<RuleProblem> mine = problems.stream().filter(p -> source.name().equals(p.file()) && p.sheet() != null)
                .toList();
        if (mine.isEmpty()) {
            return List.of();
        }
        List<Grid> grids = new ArrayList<>();
        for (SheetGrid sheet : new TableReader().read(source).sheets()) {
            List<RuleProblem> inSheet = mine.stream().filter(p -> p.sheet().equals(sheet.name())).toList();
            if (!inSheet.isEmpty()) {
                grids.add(grid(source.name(), sheet, inSheet));
            }
        }
        return grids;
    }

    /**
     * The table a decision-table row belongs to, cut to its head (RuleTable row down to the column labels) and the
     * rows around the fired one, with that row ({@code row}, as Excel numbers it) highlighted: what an auditor sees
     * to know which row of which table made a decision. Empty when the file is no table or has no such sheet or row.
     */
    public static java.util.Optional<Grid> firedRow(RuleSource source, String sheetName, int row) {
        if (!(source.isSpreadsheet() || source.isCsv()) || row < 1) {
            return java.util.Optional.empty();
        }
        for (SheetGrid sheet : new TableReader().read(source).sheets()) {
            if (sheet.name().equals(sheetName) && sheet.rows().containsKey(row - 1)) {
                return java.util.Optional.of(highlighted(source.name(), sheet, row - 1));
            }
        }
        return java.util.Optional.empty();
    }

    private static Grid highlighted(String file, SheetGrid sheet, int fired) {
        NavigableMap<Integer, NavigableMap<Integer, String>> rows = sheet.rows();
        TreeSet<Integer> shown = new TreeSet<>();
        Integer table = null;
        for (var r : rows.headMap(fired, true).descendingMap().entrySet()) {
            if (r.getValue().values().stream().anyMatch(v -> v.startsWith("RuleTable"))) {
                table = r.getKey();
                break;
            }
        }
        if (table != null) {
            for (int r = table; r <= Math.min(fired, table + TABLE_HEAD_ROWS - 1); r++) {
                shown.add(r);
            }
        }
        for (int r = Math.max(0, fired - AROUND); r <= fired + AROUND; r++) {
            if (rows.containsKey(r)) {
                shown.add(r);
            }
        }
        return draw(file, sheet, shown, 0, (r, c) -> null, r -> null, r -> r == fired, List.of());
    }

    private static Grid grid(String file, SheetGrid sheet, List<RuleProblem> problems) {
        NavigableMap<Integer, NavigableMap<Integer, String>> rows = sheet.rows();
        TreeSet<Integer> shown = new TreeSet<>();
        int last = rows.isEmpty() ? 0 : rows.lastKey();
        for (RuleProblem p : problems) {
            int[] at = at(p.cell());
            if (at != null) {
                last = Math.max(last, at[0]);
            }
        }
        if (last < WHOLE_SHEET_ROWS) {
            for (int r = 0; r <= last; r++) {
                shown.add(r);
            }
        } else {
            // The head of each table a problem is in (its RuleTable row down to the column labels), so that a marked
            // cell is seen under its column's name, and the rows around the problem.
            TreeSet<Integer> tables = new TreeSet<>();
            rows.forEach((r, cells) -> {
                if (cells.values().stream().anyMatch(v -> v.startsWith("RuleTable"))) {
                    tables.add(r);
                }
            });
            for (int r = 0; r < HEAD_ROWS && tables.isEmpty(); r++) {
                shown.add(r);
            }
            for (RuleProblem p : problems) {
                p.rows().forEach(row -> shown.add(row - 1)); // every row a gap or an overlap is between
                int[] at = at(p.cell());
                if (at == null) {
                    continue;
                }
                Integer table = tables.floor(at[0]);
                if (table != null) {
                    for (int r = table; r <= Math.min(at[0], table + TABLE_HEAD_ROWS - 1); r++) {
                        shown.add(r);
                    }
                }
                for (int r = Math.max(0, at[0] - AROUND); r <= at[0] + AROUND; r++) {
                    shown.add(r);
                }
            }
        }
        int problemColumns = 0;
        for (RuleProblem p : problems) {
            int[] at = at(p.cell());
            if (at != null) {
                problemColumns = Math.max(problemColumns, at[1] + 1);
            }
        }
        return draw(file, sheet, shown, problemColumns,
                (r, c) -> marks(problems, p -> {
                    int[] at = at(p.cell());
                    return at != null && at[0] == r && at[1] == c;
                }),
                r -> marks(problems, p -> p.rows().contains(r + 1)), r -> false, problems);
    }

    /** The problems of the list that a test picks, by number, with the worst severity among them; null for none. */
    private static Marks marks(List<RuleProblem> problems, Predicate<RuleProblem> on) {
        List<Integer> numbers = new ArrayList<>();
        String severity = null;
        for (int i = 0; i < problems.size(); i++) {
            RuleProblem p = problems.get(i);
            if (on.test(p)) {
                numbers.add(i + 1);
                // an error outweighs a warning on the same cell or row
                severity = p.isError() || "ERROR".equals(severity) ? "ERROR" : "WARNING";
            }
        }
        return numbers.isEmpty() ? null : new Marks(severity, numbers);
    }

    /** The problems placed on one cell: the worst severity among them and their numbers in the sheet's list. */
    private record Marks(String severity, List<Integer> numbers) {}

    /** The marks of a whole row (0-based), or null. */
    private interface RowMarks {
        Marks at(int row);
    }

    /** The marks of the cell at a 0-based row and column, or null for a plain cell. */
    private interface CellMarks {
        Marks at(int row, int column);
    }

    /**
     * The one drawing of a sheet's shown rows (0-based), as wide as its widest shown row and at least
     * {@code minColumns}: each cell with its marks, a row gap where rows are left out, and the rows
     * {@code highlighted} says.
     */
    private static Grid draw(String file, SheetGrid sheet, TreeSet<Integer> shown, int minColumns, CellMarks marks,
            RowMarks rowMarks, IntPredicate highlighted, List<RuleProblem> problems) {
        int columns = minColumns;
        for (int r : shown) {
            NavigableMap<Integer, String> row = sheet.rows().get(r);
            if (row != null && !row.isEmpty()) {
                columns = Math.max(columns, row.lastKey() + 1);
            }
        }
        List<String> letters = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            String name = SheetGrid.cellName(0, c);
            letters.add(name.substring(0, name.length() - 1));
        }
        List<Row> out = new ArrayList<>();
        Integer previous = null;
        for (int r : shown) {
            List<Cell> cells = new ArrayList<>();
            for (int c = 0; c < columns; c++) {
                Marks m = marks.at(r, c);
                String text = sheet.get(r, c);
                cells.add(new Cell(SheetGrid.cellName(r, c), text == null ? "" : text, m == null ? null : m.severity(),
                        m == null ? List.of() : m.numbers()));
            }
            Marks whole = rowMarks.at(r);
            out.add(new Row(r + 1, previous != null && r != previous + 1, cells, highlighted.test(r),
                    whole == null ? List.of() : whole.numbers(), whole == null ? null : whole.severity()));
            previous = r;
        }
        return new Grid(file, sheet.name(), letters, out, problems);
    }

    /** 0-based row and column of a cell name such as D12 (the first cell of a range), or null. */
    private static int[] at(String cell) {
        if (cell == null) {
            return null;
        }
        Matcher m = CELL.matcher(cell.toUpperCase(java.util.Locale.ROOT));
        if (!m.lookingAt()) {
            return null;
        }
        return new int[] {Integer.parseInt(m.group(2)) - 1, SheetGrid.columnIndex(m.group(1))};
    }

    /** Problems of the list by file, in the order of their files' first problem. */
    public static Map<String, List<RuleProblem>> byFile(List<RuleProblem> problems) {
        Map<String, List<RuleProblem>> files = new java.util.LinkedHashMap<>();
        problems.forEach(p -> files.computeIfAbsent(p.file(), f -> new ArrayList<>()).add(p));
        return files;
    }
}
