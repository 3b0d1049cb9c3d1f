package dev.dunning.rules.internal;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** The cell texts of one sheet exactly as Drools' own parser reads them (0-based rows and columns). */
public final class SheetGrid {

    private final String name;
    private final NavigableMap<Integer, NavigableMap<Integer, String>> rows = new TreeMap<>();
    private final Map<Long, Integer> mergeStarts = new java.util.HashMap<>();

    public SheetGrid(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    void put(int row, int column, String value) {
        if (value != null && !value.isBlank()) {
            rows.computeIfAbsent(row, r -> new TreeMap<>()).put(column, value.trim());
        }
    }

    private final java.util.Set<Long> blankContinuations = new java.util.HashSet<>();

    /** A CSV merge continuation written as "..." alone: Drools skips it, so its column gets no fact. */
    void blankContinuation(int row, int column) {
        blankContinuations.add(((long) row << 32) | column);
    }

    public boolean isBlankContinuation(int row, int column) {
        return blankContinuations.contains(((long) row << 32) | column);
    }

    void merged(int row, int column, int startColumn) {
        mergeStarts.put(((long) row << 32) | column, startColumn);
    }

    /** First column of the merged region a cell belongs to, or the cell's own column. */
    public int mergeStart(int row, int column) {
        return mergeStarts.getOrDefault(((long) row << 32) | column, column);
    }

    public String get(int row, int column) {
        Map<Integer, String> cells = rows.get(row);
        return cells == null ? null : cells.get(column);
    }

    public NavigableMap<Integer, String> row(int row) {
        return rows.getOrDefault(row, new TreeMap<>());
    }

    public NavigableMap<Integer, NavigableMap<Integer, String>> rows() {
        return rows;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Spreadsheet-style name of a cell: column letters and 1-based row, e.g. E14. */
    public static String cellName(int row, int column) {
        StringBuilder letters = new StringBuilder();
        int c = column + 1;
        while (c > 0) {
            int rem = (c - 1) % 26;
            letters.insert(0, (char) ('A' + rem));
            c = (c - 1) / 26;
        }
        return letters.toString() + (row + 1);
    }

    /** 0-based column index of spreadsheet column letters, e.g. "E" is 4. */
    public static int columnIndex(String letters) {
        int c = 0;
        for (char ch : letters.toCharArray()) {
            c = c * 26 + (ch - 'A' + 1);
        }
        return c - 1;
    }
}
