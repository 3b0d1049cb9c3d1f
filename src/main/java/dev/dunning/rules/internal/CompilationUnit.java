package dev.dunning.rules.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One DRL compilation unit: a DRL file, or the DRL generated from one decision table sheet. Knows how to point from a
 * line of its DRL back to what a person wrote: the DRL line itself, or the sheet cell the line was generated from.
 */
public final class CompilationUnit {

    private static final String KFS_ROOT = "src/main/resources/";
    private static final Pattern ROW_COMMENT = Pattern.compile("^\\s*// rule values at ([A-Z]+)(\\d+), header at.*$");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)");

    private final String source;
    private final String sheet;
    private final String drl;
    private final String[] lines;
    private final String packageName;
    private final List<TableChecker.Layout> tables;
    private final SheetGrid grid;

    private CompilationUnit(String source, String sheet, String drl, List<TableChecker.Layout> tables, SheetGrid grid) {
        this.grid = grid;
        this.source = source;
        this.sheet = sheet;
        this.drl = drl;
        this.lines = drl.split("\n", -1);
        Matcher m = PACKAGE.matcher(drl);
        this.packageName = m.find() ? m.group(1) : "";
        this.tables = List.copyOf(tables);
    }

    public static CompilationUnit drl(String source, String drl) {
        return new CompilationUnit(source, null, drl, List.of(), null);
    }

    public static CompilationUnit table(String source, SheetGrid grid, String drl, List<TableChecker.Layout> tables) {
        return new CompilationUnit(source, grid.name(), drl, tables, grid);
    }

    /** Natural name of the file, e.g. decision-tables/escalation.xlsx. */
    public String source() {
        return source;
    }

    /** The sheet for a table unit, null for a DRL file. */
    public String sheet() {
        return sheet;
    }

    public String drl() {
        return drl;
    }

    public String packageName() {
        return packageName;
    }

    /** Where the unit goes in the KieFileSystem: Drools wants the folder to match the package. */
    public String kfsPath() {
        String base = sheet == null ? source.substring(source.lastIndexOf('/') + 1) : source + "_" + sheet + ".drl";
        String folder = packageName.isEmpty() ? "" : packageName.replace('.', '/') + "/";
        return KFS_ROOT + folder + base.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    public static String kfsRoot() {
        return KFS_ROOT;
    }

    /** The text of a 1-based line, or null. */
    public String line(int line) {
        return line > 0 && line <= lines.length ? lines[line - 1] : null;
    }

    /** Sheet row (1-based) whose values produced the rule declared at or before {@code line}. */
    public Integer rowOf(int line) {
        Matcher m = rowComment(line);
        return m == null ? null : Integer.parseInt(m.group(2));
    }

    /** The cell a generated line came from: its row, and the column whose code template the line carries. */
    public String cellFor(int line) {
        Matcher first = rowComment(line);
        if (first == null) {
            return null;
        }
        int row = Integer.parseInt(first.group(2));
        String text = line(line) == null ? "" : line(line);
        for (TableChecker.Layout layout : tables) {
            if (row - 1 < layout.firstDataRow() || row - 1 > layout.lastDataRow()) {
                continue;
            }
            for (TableChecker.Column column : layout.columns().values()) {
                if (column.template() != null && !stem(column.template()).isEmpty()
                        && text.contains(stem(column.template()))) {
                    return SheetGrid.cellName(row - 1, column.index());
                }
            }
        }
        return first.group(1) + first.group(2);
    }

    /**
     * The cell a piece of generated code was written in: a column's code template, else the rule row's cell of the
     * line, else the first cell of the sheet holding it (the settings rows: Import, Functions, Variables).
     */
    public String cellOf(String code, int line) {
        for (TableChecker.Layout layout : tables) {
            for (TableChecker.Column column : layout.columns().values()) {
                if (column.template() != null && column.template().contains(code)) {
                    return SheetGrid.cellName(layout.titleRow() + 3, column.index());
                }
            }
        }
        String text = line(line);
        if (rowComment(line) != null && text != null && text.contains(code)) {
            return cellFor(line);
        }
        if (grid != null) {
            for (var row : grid.rows().entrySet()) {
                for (var cell : row.getValue().entrySet()) {
                    if (cell.getValue().contains(code)) {
                        return SheetGrid.cellName(row.getKey(), cell.getKey());
                    }
                }
            }
        }
        return cellFor(line);
    }

    /**
     * The cell of a rule's row (1-based sheet row) that holds one of {@code codes} (tried in order): a cell of the row
     * whose text has it, else the code template (the header cell) that has it, else the row's first cell.
     */
    public String cellInRow(int row, List<String> codes, java.util.function.UnaryOperator<String> normalize) {
        var cells = grid == null ? null : grid.row(row - 1);
        for (String code : codes) {
            for (var cell : cells == null ? List.<java.util.Map.Entry<Integer, String>>of() : cells.entrySet()) {
                if (normalize.apply(cell.getValue()).contains(code)) {
                    return SheetGrid.cellName(row - 1, cell.getKey());
                }
            }
            for (TableChecker.Layout layout : tables) {
                for (TableChecker.Column column : layout.columns().values()) {
                    if (column.template() != null && normalize.apply(column.template()).contains(code)) {
                        return SheetGrid.cellName(layout.titleRow() + 3, column.index());
                    }
                }
            }
        }
        return SheetGrid.cellName(row - 1, cells == null || cells.isEmpty() ? 0 : cells.firstKey());
    }

    /** Lines (1-based) whose trimmed text contains {@code code}, at most {@code max}. */
    public List<int[]> occurrences(String code, int max) {
        List<int[]> found = new ArrayList<>();
        for (int i = 0; i < lines.length && found.size() < max; i++) {
            int at = lines[i].indexOf(code);
            if (at >= 0) {
                found.add(new int[] {i + 1, at + 1});
            }
        }
        return found;
    }

    /** The generated code of a line, quoted for a message about a table cell. */
    public String generatedLine(int line) {
        String text = line(line);
        return text == null ? "" : " (generated code: " + text.strip() + ")";
    }

    private Matcher rowComment(int line) {
        for (int i = Math.min(line, lines.length) - 1; i >= 0; i--) {
            Matcher m = ROW_COMMENT.matcher(lines[i]);
            if (m.matches()) {
                return m;
            }
        }
        return null;
    }

    private static String stem(String template) {
        int cut = template.indexOf('$');
        String stem = cut < 0 ? template : template.substring(0, cut);
        return stem.replace("\"", "").strip();
    }
}
