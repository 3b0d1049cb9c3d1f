package dev.dunning.imports;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What a file holds: customers or invoices, each with its own columns. */
public enum ImportKind {
    CUSTOMERS("customer", CsvColumns.CUSTOMERS),
    INVOICES("invoice", CsvColumns.INVOICES);

    private final String singular;
    private final List<CsvColumns.Column> columns;

    ImportKind(String singular, List<CsvColumns.Column> columns) {
        this.singular = singular;
        this.columns = columns;
    }

    /** As in the URL and on the command line: {@code customers}, {@code invoices}. */
    public String plural() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String singular() {
        return singular;
    }

    public List<CsvColumns.Column> columns() {
        return columns;
    }

    public static Optional<ImportKind> of(String plural) {
        for (ImportKind kind : values()) {
            if (kind.plural().equalsIgnoreCase(plural)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
