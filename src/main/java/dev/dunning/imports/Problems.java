package dev.dunning.imports;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The problems found in one file, kept up to a limit but all counted: a broken file of a million rows yields the first
 * thousand problems and the total, not a million lines.
 */
final class Problems {

    private final int limit;
    private final List<RowProblem> kept = new ArrayList<>();
    private long count;
    private boolean onlyConflicts = true;

    Problems(int limit) {
        this.limit = limit;
    }

    void add(RowProblem problem) {
        count++;
        onlyConflicts = false;
        if (kept.size() < limit) {
            kept.add(problem);
        }
    }

    /** Problems found by a set-based query: at most {@code limit} of them listed, {@code total} counted. */
    void addAll(List<RowProblem> listed, long total, boolean conflicts) {
        count += total;
        onlyConflicts &= conflicts || total == 0;
        kept.addAll(listed);
    }

    boolean any() {
        return count > 0;
    }

    int limit() {
        return limit;
    }

    ImportRejectedException rejection(ImportKind kind) {
        List<RowProblem> sorted = new ArrayList<>(kept);
        sorted.sort(Comparator.comparingLong(RowProblem::line));
        return new ImportRejectedException(kind, sorted.subList(0, Math.min(limit, sorted.size())), count,
                onlyConflicts);
    }
}
