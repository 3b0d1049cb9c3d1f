package dev.dunning.imports;

import java.util.List;

/**
 * A file with at least one bad row: nothing of it was written. Lists the first problems in line order (up to
 * {@code dunning.import.max-listed-problems}) and counts all of them.
 */
public class ImportRejectedException extends RuntimeException {

    private final ImportKind kind;
    private final List<RowProblem> problems;
    private final long problemCount;
    private final boolean conflictsOnly;

    ImportRejectedException(ImportKind kind, List<RowProblem> problems, long problemCount, boolean conflictsOnly) {
        super("the " + kind.plural() + " file has " + problemCount + " problem(s)"
                + (problems.size() < problemCount ? " (the first " + problems.size() + " are listed)" : "")
                + "; nothing from it was imported. Correct the rows and send the whole file again");
        this.kind = kind;
        this.problems = List.copyOf(problems);
        this.problemCount = problemCount;
        this.conflictsOnly = conflictsOnly;
    }

    public ImportKind kind() {
        return kind;
    }

    public List<RowProblem> problems() {
        return problems;
    }

    public long problemCount() {
        return problemCount;
    }

    /** True when every row was well-formed and only the stored facts forbid the file (an HTTP 409, not 400). */
    public boolean conflictsOnly() {
        return conflictsOnly;
    }
}
