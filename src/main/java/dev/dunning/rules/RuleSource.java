package dev.dunning.rules;

/**
 * One file of a rule set: its natural name relative to the rule-set root, under one of the folders {@value #RULES},
 * {@value #TABLES} or {@value #SCENARIOS} (e.g. decision-tables/escalation.xlsx).
 */
public record RuleSource(String name, byte[] content) {

    public static final String RULES = "rules/";
    public static final String TABLES = "decision-tables/";
    public static final String SCENARIOS = "scenarios/";

    /** A scenarios file: part of the version (its hash covers it), but run against the rules, not compiled. */
    public boolean isScenario() {
        return name.startsWith(SCENARIOS);
    }

    /** The name without its folder, e.g. escalation.xlsx. */
    public String baseName() {
        return name.substring(name.lastIndexOf('/') + 1);
    }

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
