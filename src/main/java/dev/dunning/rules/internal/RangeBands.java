package dev.dunning.rules.internal;

import static dev.dunning.rules.internal.SheetGrid.cellName;

import dev.dunning.rules.RuleProblem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gaps and overlaps between the rows of a range condition: where a table bounds one whole-number field from below and
 * from above (e.g. "Stage from" {@code stage >= $param} and "Stage up to" {@code stage <= $param}), rows that agree on
 * every other condition should tile the range. An overlap means the earlier row wins for the shared values and the
 * later one never applies to them; a gap means no row of the group decides those values. Both are warnings: a
 * first-match table may mean them, but its author should see them, with the cells involved.
 */
final class RangeBands {

    private static final Pattern BOUND = Pattern.compile("^\\s*([A-Za-z_][\\w.]*)\\s*(>=|>|<=|<)\\s*\\$param\\s*$");

    private record Band(int row, long low, long high) {}

    private final String file;
    private final SheetGrid grid;
    private final TableChecker.Layout layout;

    RangeBands(String file, SheetGrid grid, TableChecker.Layout layout) {
        this.file = file;
        this.grid = grid;
        this.layout = layout;
    }

    void check(List<RuleProblem> problems) {
        Map<String, Integer> lower = new LinkedHashMap<>();
        Map<String, Integer> upper = new LinkedHashMap<>();
        Map<Integer, String> operators = new LinkedHashMap<>();
        for (TableChecker.Column column : layout.columns().values()) {
            if (!column.header().equals("CONDITION") || column.template() == null) {
                continue;
            }
            Matcher m = BOUND.matcher(column.template());
            if (m.matches()) {
                operators.put(column.index(), m.group(2));
                (m.group(2).startsWith(">") ? lower : upper).putIfAbsent(m.group(1), column.index());
            }
        }
        for (var entry : lower.entrySet()) {
            Integer upperColumn = upper.get(entry.getKey());
            if (upperColumn != null) {
                checkField(entry.getKey(), entry.getValue(), upperColumn, operators, problems);
            }
        }
    }

    private void checkField(String field, int lowColumn, int highColumn, Map<Integer, String> operators,
            List<RuleProblem> problems) {
        Map<String, List<Band>> groups = new LinkedHashMap<>();
        for (int r = layout.firstDataRow(); r <= layout.lastDataRow(); r++) {
            String low = grid.get(r, lowColumn);
            String high = grid.get(r, highColumn);
            if (low == null && high == null) {
                continue;
            }
            Long lo;
            Long hi;
            try {
                lo = low == null ? Long.MIN_VALUE : Long.parseLong(low) + (operators.get(lowColumn).equals(">") ? 1 : 0);
                hi = high == null ? Long.MAX_VALUE : Long.parseLong(high) - (operators.get(highColumn).equals("<") ? 1 : 0);
            } catch (NumberFormatException e) {
                return; // not a whole-number field: gaps have no meaning there
            }
            StringBuilder key = new StringBuilder();
            for (TableChecker.Column column : layout.columns().values()) {
                if (column.header().equals("CONDITION") && column.index() != lowColumn && column.index() != highColumn) {
                    key.append(grid.get(r, column.index())).append('\u0000');
                }
            }
            groups.computeIfAbsent(key.toString(), k -> new ArrayList<>()).add(new Band(r, lo, hi));
        }
        for (List<Band> bands : groups.values()) {
            List<Band> sorted = bands.stream().sorted(Comparator.comparingLong(Band::low)).toList();
            for (int i = 1; i < sorted.size(); i++) {
                Band a = sorted.get(i - 1);
                Band b = sorted.get(i);
                String cells = cells(a, lowColumn, highColumn) + " and " + cells(b, lowColumn, highColumn);
                if (b.low() <= a.high()) {
                    Band first = a.row() < b.row() ? a : b;
                    Band later = first == a ? b : a;
                    problems.add(RuleProblem.warningAtRows(file, grid.name(), cellName(later.row(), lowColumn),
                            List.of(first.row() + 1, later.row() + 1), "the rows " + (a.row() + 1) + " and " + (b.row() + 1) + " (cells " + cells + ") overlap on "
                                    + field + " " + range(b.low(), Math.min(a.high(), b.high()))
                                    + " while their other conditions are the same; the first, row "
                                    + (first.row() + 1) + ", wins there and row " + (later.row() + 1)
                                    + " never applies to those values"));
                } else if (a.high() != Long.MAX_VALUE && b.low() > a.high() + 1) {
                    problems.add(RuleProblem.warningAtRows(file, grid.name(), cellName(b.row(), lowColumn),
                            List.of(a.row() + 1, b.row() + 1), "no row covers " + field + " " + range(a.high() + 1, b.low() - 1) + " between the rows "
                                    + (a.row() + 1) + " and " + (b.row() + 1) + " (cells " + cells
                                    + "), whose other conditions are the same; a case there gets no decision from "
                                    + "this table"));
                }
            }
        }
    }

    private static String cells(Band band, int lowColumn, int highColumn) {
        return cellName(band.row(), lowColumn) + ":" + cellName(band.row(), highColumn);
    }

    private static String range(long from, long to) {
        String low = from == Long.MIN_VALUE ? "any" : Long.toString(from);
        String high = to == Long.MAX_VALUE ? "any" : Long.toString(to);
        return from == to ? low : low + " to " + high;
    }
}
