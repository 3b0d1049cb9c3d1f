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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.drools.model.codegen.ExecutableModelProject;
import org.junit.jupiter.api.Test;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.ReleaseId;

/**
 * A rule that re-activates itself cannot be written any more (update, insert and modify are refused: rules write to
 * the decision only); the engine's cap on firings stays as a second line, proven here on a rule base built around the
 * gates, and ends such a decision with a failure naming the rule instead of holding the thread.
 */
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
    void aRuleThatChangesWhatItMatchesIsRefusedAtTheSafetyGate() {
        RuleSetException refused = catchThrowableOfType(RuleSetException.class, () -> new RuleSetCompiler(TestData.CLOCK)
                .compile(List.of(new RuleSource("rules/loop.drl", LOOP.getBytes(StandardCharsets.UTF_8)))));

        assertThat(refused).isNotNull();
        assertThat(refused.gate()).isEqualTo(RuleSetGates.SAFETY);
        assertThat(refused.problems()).anySatisfy(p -> {
            assertThat(p.location()).isEqualTo("rules/loop.drl:10:5");
            assertThat(p.message()).contains("org.drools.model.Drools.update", "the rule engine itself");
        });
    }

    @Test
    void aRuleThatActivatesItselfAgainFailsTheDecisionNamingTheRuleAndItsLine() throws IOException {
        RuleSet shipped = new RuleSetLoader(new RuleSetCompiler(TestData.CLOCK))
                .load(Path.of("rules"), Path.of("decision-tables"));
        RuleSet looping = withoutTheGates(shipped, "rules/loop.drl", LOOP, "dunning.loop", 5);
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

    /** The shipped rules plus one DRL file, built straight with Drools: what the gates would never let through. */
    static RuleSet withoutTheGates(RuleSet shipped, String name, String drl, String pkg, int line) {
        KieServices ks = KieServices.Factory.get();
        ReleaseId id = ks.newReleaseId("dev.dunning.test", "loop", "1.0.0-" + UUID.randomUUID());
        KieFileSystem kfs = ks.newKieFileSystem();
        kfs.generateAndWritePomXML(id);
        kfs.write("src/main/resources/" + pkg.replace('.', '/') + "/loop.drl", drl);
        shipped.sources().stream().filter(RuleSource::isDrl)
                .forEach(s -> kfs.write("src/main/resources/" + s.name(), new String(s.content(), StandardCharsets.UTF_8)));
        KieBuilder builder = ks.newKieBuilder(kfs).buildAll(ExecutableModelProject.class);
        assertThat(builder.getResults().getMessages()).isEmpty();
        KieBase kieBase = ks.newKieContainer(id).getKieBase();
        Map<String, RuleOrigin> origins = new HashMap<>();
        origins.put(RuleSet.key(pkg, "Touches what it matches"), new RuleOrigin(name, null, null, line));
        return new RuleSet("loop", List.of(), kieBase, origins, Map.of(), List.of(), TestData.CLOCK.instant(), List.of());
    }
}
