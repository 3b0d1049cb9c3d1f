package dev.dunning.rules.internal;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** The cell texts of one sheet exactly as Drools' own parser reads them (0-based rows and columns). */
public final class SheetGrid {

    private final String name;
    private final NavigableMap<Integer, NavigableMap<Integer, String>> rows = new TreeMap<>();

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
