package dev.dunning.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A failed scenario's sentences read back as expected and actual values, the way the console lays them out. */
class ScenarioMismatchTest {

    static RuleSetGates.ScenarioFailure failing(String... mismatches) {
        return new RuleSetGates.ScenarioFailure("a scenario", "scenarios/default-policy.csv", 9, List.of(mismatches));
    }

    @Test
    void eachKindOfMismatchTheRunnerWritesReadsAsWhatExpectedAndActual() {
        assertThat(failing("expected tone FRIENDLY but got NEUTRAL", "expected stage 1 but got 2",
                "expected notBefore null but got 2025-03-12T15:00:00Z",
                "expected a fee of EUR 40.00 but got [EUR 2.25]",
                "expected a reason containing \"grace period\" but got [below the minimum]",
                "expected policy ESC-C1 to decide, but these did: [ESC-C2, TON-03]").expectations())
                .containsExactly(new RuleSetGates.Mismatch("tone", "FRIENDLY", "NEUTRAL"),
                        new RuleSetGates.Mismatch("stage", "1", "2"),
                        new RuleSetGates.Mismatch("notBefore", "null", "2025-03-12T15:00:00Z"),
                        new RuleSetGates.Mismatch("fee", "EUR 40.00", "[EUR 2.25]"),
                        new RuleSetGates.Mismatch("reason", "\"grace period\"", "[below the minimum]"),
                        new RuleSetGates.Mismatch("policy", "ESC-C1", "[ESC-C2, TON-03]"));
    }

    @Test
    void aSentenceThatComparesNothingIsKeptWholeAsWhatCameOut() {
        assertThat(failing("a rule failed while deciding: rule ESC-C1 threw ArithmeticException").expectations())
                .containsExactly(new RuleSetGates.Mismatch(null, null,
                        "a rule failed while deciding: rule ESC-C1 threw ArithmeticException"));
    }
}
