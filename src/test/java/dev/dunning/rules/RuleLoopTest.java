package dev.dunning.rules;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static dev.dunning.decision.TestData.facts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.dunning.decision.DeclineCodes;
import dev.dunning.decision.Facts;
import dev.dunning.decision.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A rule that re-activates itself ends the decision with a failure naming it, instead of holding the thread. */
class RuleLoopTest {

    static final String LOOP = """
            package dunning.loop

            import dev.dunning.decision.DunningCase;

            rule "Touches what it matches"
                ruleflow-group "escalation"
            when
                $case : DunningCase( overdue == true )
            then
                update($case);
            end
            """;

    @Test
    void aRuleThatActivatesItselfAgainFailsTheDecisionNamingTheRuleAndItsLine() throws IOException {
        List<RuleSource> sources = new ArrayList<>(
                RuleSetLoader.read(Path.of("rules"), Path.of("decision-tables"), null).sources());
        sources.add(new RuleSource("rules/loop.drl", LOOP.getBytes(StandardCharsets.UTF_8)));
        RuleSet looping = new RuleSetCompiler(TestData.CLOCK).compile(sources);
        DecisionEngine engine = new DecisionEngine(() -> looping, TestData.CLOCK, DeclineCodes.shipped());
        Facts overdue = facts().asOf("2025-03-12T15:00:00Z")
                .customer(aCustomer().consumer().in("DE", "Europe/Berlin", "EUR"))
                .invoice(anInvoice().amount("EUR", "120.00").daysOverdue(12)).build();
        Facts notDue = facts().asOf("2025-03-12T15:00:00Z")
                .customer(aCustomer().consumer().in("DE", "Europe/Berlin", "EUR"))
                .invoice(anInvoice().amount("EUR", "120.00").daysOverdue(-5)).build();

        RuleEvaluationException failure = catchThrowableOfType(RuleEvaluationException.class,
                () -> engine.evaluate(overdue));

        assertThat(failure).isNotNull();
        assertThat(failure.rule()).isEqualTo("Touches what it matches");
        assertThat(failure.origin().source()).isEqualTo("rules/loop.drl");
        assertThat(failure.origin().line()).isEqualTo(5);
        assertThat(failure.getMessage()).contains("\"escalation\"", "50,000 times", "no-loop");
        assertThat(engine.evaluate(notDue).decision().getAction()).as("where it does not match, it decides as before")
                .isEqualTo("NO_ACTION");
    }
}
