package dev.dunning.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.dunning.decision.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A table whose rows would join several facts is refused before Drools builds the slow network. */
class TableShapeTest {

    static final String HEAD = """
            RuleSet,dunning.shape
            Import,"dev.dunning.decision.Exposure, dev.dunning.decision.Decision"
            Variables,dev.dunning.decision.Decision decision
            RULEFLOW-GROUP,escalation
            Sequential,true

            RuleTable Shape
            CONDITION,CONDITION,ACTION
            %s
            maxDaysOverdue >= $param,"segment == ""$param""\","decision.propose(""$param"");"
            Days from,Segment,Action
            3,CONSUMER,REMINDER
            """;

    @TempDir
    Path dir;

    @Test
    void refusesConditionsOnTwoSeparateFactCells() throws IOException {
        RuleSetException e = load(HEAD.formatted("Exposure,Exposure,"));
        assertThat(e.problems()).extracting(RuleProblem::toString).containsExactly(
                "decision-tables/shape.csv, sheet shape, cell A9: the conditions of table \"Shape\" match 2 separate "
                        + "facts (cells A9, B9), which Drools must join for every row; merge one fact cell over all "
                        + "condition columns (in CSV write \"Fact...\" in each of them) so each row matches one "
                        + "flattened fact");
    }

    @Test
    void refusesACsvMergeContinuationWrittenAsDotsAlone() throws IOException {
        RuleSetException e = load(HEAD.formatted("Exposure...,...,"));
        assertThat(e.problems()).extracting(RuleProblem::toString).contains(
                "decision-tables/shape.csv, sheet shape, cell B9: Drools ignores a merged cell written as \"...\" "
                        + "alone; repeat the fact in it, e.g. \"Exposure...\"");
    }

    @Test
    void acceptsOneFactRepeatedInEveryMergedCsvCell() throws IOException {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.copy(Path.of("rules", "fallback.drl"), rules.resolve("fallback.drl"));
        Path tables = Files.createDirectories(dir.resolve("decision-tables"));
        Files.writeString(tables.resolve("shape.csv"), HEAD.formatted("Exposure...,Exposure...,"));
        RuleSet ruleSet = new RuleSetLoader(new RuleSetCompiler(TestData.CLOCK)).load(rules, tables);
        assertThat(ruleSet.generatedDrl().get("decision-tables/shape.csv!shape"))
                .contains("Exposure(maxDaysOverdue >= 3, segment == \"CONSUMER\")");
    }

    private RuleSetException load(String csv) throws IOException {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.copy(Path.of("rules", "fallback.drl"), rules.resolve("fallback.drl"));
        Path tables = Files.createDirectories(dir.resolve("decision-tables"));
        Files.writeString(tables.resolve("shape.csv"), csv);
        return catchThrowableOfType(RuleSetException.class,
                () -> new RuleSetLoader(new RuleSetCompiler(TestData.CLOCK)).load(rules, tables));
    }
}
