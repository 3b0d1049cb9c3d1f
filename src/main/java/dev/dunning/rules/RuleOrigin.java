package dev.dunning.rules;

/** Where a rule is written: a DRL file and line, or a decision table file, sheet and row. */
public record RuleOrigin(String source, String sheet, Integer row, Integer line) {}
