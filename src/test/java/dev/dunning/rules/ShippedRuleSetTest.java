package dev.dunning.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** Compiles every shipped DRL file and decision table: zero problems, zero warnings, every file contributes rules. */
class ShippedRuleSetTest {

    @Test
    void everyShippedFileCompilesWithoutAnyMessage() {
        RuleSet ruleSet = new RuleSetLoader(new RuleSetCompiler(Clock.systemUTC()))
                .load(Path.of("rules"), Path.of("decision-tables"));

        assertThat(ruleSet.files()).extracting(RuleSet.File::name).contains(
                "rules/holds.drl", "rules/constraints.drl", "rules/fallback.drl",
                "decision-tables/escalation.xlsx", "decision-tables/holds.xlsx", "decision-tables/channels.xlsx",
                "decision-tables/fees.xlsx", "decision-tables/tone.csv");
        assertThat(ruleSet.files()).allSatisfy(file -> assertThat(file.rules()).as(file.name()).isPositive());
        assertThat(ruleSet.warnings()).isEmpty();
        assertThat(ruleSet.version()).matches("[0-9a-f]{64}");
    }
}
