package dev.dunning.rules;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static dev.dunning.decision.TestData.facts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.decision.DeclineCodes;
import dev.dunning.decision.Facts;
import dev.dunning.decision.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A swap while a decision is being made: the decision finishes on the rule set it took and names that version; the
 * next decision uses the new one.
 */
class InFlightSwapTest {

    @Test
    void aDecisionInFlightFinishesOnTheVersionItStartedWithAndNamesIt() throws IOException {
        RuleSetCompiler compiler = new RuleSetCompiler(TestData.CLOCK);
        List<RuleSource> shipped = RuleSetLoader.read(Path.of("rules"), Path.of("decision-tables"), null).sources();
        List<RuleSource> neutral = new ArrayList<>(shipped.stream()
                .filter(s -> !s.name().equals("decision-tables/tone.csv")).toList());
        neutral.add(new RuleSource("decision-tables/tone.csv", Files.readString(Path.of("decision-tables", "tone.csv"))
                .replace("TON-01,REMINDER,1,1,CONSUMER,,,,FRIENDLY", "TON-01,REMINDER,1,1,CONSUMER,,,,NEUTRAL")
                .getBytes(StandardCharsets.UTF_8)));
        RuleSet before = compiler.compile(shipped);
        RuleSet after = compiler.compile(neutral);
        ActiveRuleSet active = new ActiveRuleSet(before);
        // The swap happens the moment the evaluation has taken its rule set, i.e. while it is in flight.
        Supplier<RuleSet> swappingWhileTaken = () -> {
            RuleSet taken = active.get();
            active.swap(after);
            return taken;
        };
        Facts consumer = facts().asOf("2025-03-12T15:00:00Z")
                .customer(aCustomer().consumer().in("DE", "Europe/Berlin", "EUR"))
                .invoice(anInvoice().amount("EUR", "120.00").daysOverdue(12)).build();

        DecisionEngine.Evaluation inFlight = new DecisionEngine(swappingWhileTaken, TestData.CLOCK,
                DeclineCodes.shipped()).evaluate(consumer);
        DecisionEngine.Evaluation next = new DecisionEngine(active, TestData.CLOCK, DeclineCodes.shipped())
                .evaluate(consumer);

        assertThat(active.get()).isSameAs(after);
        assertThat(inFlight.ruleSetVersion()).isEqualTo(before.version());
        assertThat(inFlight.decision().getTone()).isEqualTo("FRIENDLY");
        assertThat(next.ruleSetVersion()).isEqualTo(after.version()).isNotEqualTo(before.version());
        assertThat(next.decision().getTone()).isEqualTo("NEUTRAL");
    }
}
