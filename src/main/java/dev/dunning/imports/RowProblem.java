package dev.dunning.imports;

/**
 * One problem of one row: the physical line in the file (the header is line 1; a value spanning lines counts them all),
 * the column at fault (null when the row as a whole is wrong), the value found, and what is wrong in plain words.
 */
public record RowProblem(long line, String column, String value, String message) {

    /** As printed on the command line: {@code line 7, column currency: "EURO" is not ...}. */
    public String describe() {
        return "line " + line + (column == null ? "" : ", column " + column) + ": " + message;
    }
}
