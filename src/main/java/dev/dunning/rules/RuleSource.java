package dev.dunning.rules;

/** One file of a rule set: its natural name relative to the rule-set root (e.g. decision-tables/escalation.xlsx). */
public record RuleSource(String name, byte[] content) {

    public boolean isDrl() {
        return lower().endsWith(".drl");
    }

    public boolean isSpreadsheet() {
        return lower().endsWith(".xlsx") || lower().endsWith(".xls");
    }

    public boolean isCsv() {
        return lower().endsWith(".csv");
    }

    private String lower() {
        return name.toLowerCase(java.util.Locale.ROOT);
    }
}
