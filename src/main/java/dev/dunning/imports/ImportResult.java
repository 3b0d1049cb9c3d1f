package dev.dunning.imports;

/** A file taken whole: rows read, how many were new and how many replaced stored ones, and how long it took. */
public record ImportResult(String kind, long rows, long created, long updated, long durationMillis) {

    public String describe(String source) {
        return "Imported " + rows + " " + kind + " from " + source + ": " + created + " created, " + updated
                + " updated, in " + String.format(java.util.Locale.ROOT, "%.1f", durationMillis / 1000.0) + " s";
    }
}
