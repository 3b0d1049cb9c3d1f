package dev.dunning.rules;

/**
 * One problem found in a rule set, with its location and a sentence a credit controller can act on. Tables are located
 * by file, sheet and cell; DRL by file, line and column.
 */
public record RuleProblem(Severity severity, String file, String sheet, String cell, Integer line, Integer column,
        String message) {

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
