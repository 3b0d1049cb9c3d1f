package dev.dunning.rules;

import java.util.List;

/**
 * One problem found in a rule set, with its location and a sentence a credit controller can act on. Tables are located
 * by file, sheet and cell; DRL by file, line and column.
 *
 * @param rows for a problem between rows of a table (a gap or an overlap of bands), the rows involved as Excel numbers
 *     them, so that a grid can mark them whole; empty otherwise
 */
public record RuleProblem(Severity severity, String file, String sheet, String cell, Integer line, Integer column,
        String message, List<Integer> rows) {

    public RuleProblem {
        rows = rows == null ? List.of() : List.copyOf(rows); // reports stored before rows were recorded have none
    }

    public RuleProblem(Severity severity, String file, String sheet, String cell, Integer line, Integer column,
            String message) {
        this(severity, file, sheet, cell, line, column, message, List.of());
    }

    public enum Severity {
        ERROR,
        WARNING
    }

    public static RuleProblem inFile(String file, String message) {
        return new RuleProblem(Severity.ERROR, file, null, null, null, null, message);
    }

    public static RuleProblem inSheet(String file, String sheet, String message) {
        return new RuleProblem(Severity.ERROR, file, sheet, null, null, null, message);
    }

    public static RuleProblem atCell(String file, String sheet, String cell, String message) {
        return new RuleProblem(Severity.ERROR, file, sheet, cell, null, null, message);
    }

    public static RuleProblem atLine(String file, Integer line, Integer column, String message) {
        return new RuleProblem(Severity.ERROR, file, null, null, line, column, message);
    }

    /** Something that does not stop the rule set but that its author should look at, such as a gap between bands. */
    public static RuleProblem warningAtCell(String file, String sheet, String cell, String message) {
        return new RuleProblem(Severity.WARNING, file, sheet, cell, null, null, message);
    }

    /** A warning about rows of a table (a gap or an overlap), placed at {@code cell} and naming every row involved. */
    public static RuleProblem warningAtRows(String file, String sheet, String cell, List<Integer> rows,
            String message) {
        return new RuleProblem(Severity.WARNING, file, sheet, cell, null, null, message, rows);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code decision-tables/escalation.xlsx, sheet Ladder, cell E14: ...} or {@code rules/holds.drl:12:8: ...}. */
    public String location() {
        StringBuilder where = new StringBuilder(file);
        if (line != null) {
            where.append(':').append(line);
            if (column != null) {
                where.append(':').append(column);
            }
            return where.toString();
        }
        if (sheet != null) {
            where.append(", sheet ").append(sheet);
        }
        if (cell != null) {
            where.append(", cell ").append(cell);
        }
        return where.toString();
    }

    @Override
    public String toString() {
        return location() + ": " + (severity == Severity.WARNING ? "warning: " : "") + message;
    }
}
