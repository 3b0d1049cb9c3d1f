package dev.dunning.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.bench.BenchFixtures.Policy;
import dev.dunning.bench.BenchFixtures.Sample;
import dev.dunning.decision.Decision;
import dev.dunning.decision.DunningCase;
import dev.dunning.decision.Facts;
import dev.dunning.rules.DecisionEngine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kie.api.runtime.StatelessKieSession;

/**
 * Keeps the benchmark honest: on the 1,000-row ladder, the engine (a), raw Drools (b) and plain Java (c) reach the
 * same action for every sample input, and (a) and (c) the same stage and row, so the three measure the same lookup. Also checks that the samples
 * are not trivial (most of them are decided by the big table, from different rows).
 */
class BenchmarkFixturesTest {

    private static Policy policy;
    private static DecisionEngine engine;
    private static StatelessKieSession stateless;

    @BeforeAll
    static void compile() {
        policy = BenchFixtures.policy(BenchFixtures.LADDER_1000);
        engine = BenchFixtures.engine(policy.ruleSet());
        stateless = policy.ruleSet().kieBase().newStatelessKieSession();
    }

    @Test
    void theGeneratedLadderHasOneThousandRowsAndEachIsARule() {
        assertThat(policy.ladder().size()).isEqualTo(1000);
        assertThat(policy.ruleSet().files())
                .filteredOn(f -> f.name().endsWith("/ladder.xlsx"))
                .singleElement()
                .satisfies(f -> assertThat(f.rules()).isEqualTo(1000));
        assertThat(policy.ruleSet().warnings()).isEmpty();
    }

    @Test
    void engineRawDroolsAndPlainJavaAgreeOnActionAndStage() {
        List<String> rows = new ArrayList<>();
        for (Sample sample : BenchFixtures.SAMPLES) {
            Facts facts = sample.facts();
            DunningCase dunningCase = BenchFixtures.derive(facts);

            Decision a = BenchFixtures.viaEngine(engine, facts);
            Decision b = BenchFixtures.viaStateless(stateless, dunningCase);
            LadderTable.Step c = BenchFixtures.viaPlainJava(policy.ladder(), dunningCase);

            String cAction = c == null ? "NO_ACTION" : c.action();
            int cStage = c == null ? dunningCase.getStageReached() : c.stage();
            assertThat(a.getAction()).as("(a) engine vs (c) plain Java, action for %s", sample).isEqualTo(cAction);
            assertThat(a.getStage()).as("(a) engine vs (c) plain Java, stage for %s", sample).isEqualTo(cStage);
            assertThat(b.getAction()).as("(b) raw Drools vs (c) plain Java, action for %s", sample).isEqualTo(cAction);
            // (b) has no trace listener, so the Decision cannot tell which rule proposed the step and refuses its
            // details (stage, template): raw Drools agrees on the action only. That is what makes it the ceiling.
            assertThat(b.getTrace()).isEmpty();
            if (c != null) {
                // The row that decided is the same row, not merely a row with the same action.
                assertThat(a.getTrace())
                        .filteredOn(t -> "escalation".equals(t.group()) && !t.overridden()
                                && t.effects().stream().anyMatch(e -> e.startsWith("proposed ")))
                        .singleElement()
                        .satisfies(t -> assertThat(t.metadata()).containsEntry("policy", c.policy()));
                rows.add(c.policy());
            }
        }
        assertThat(rows).as("samples decided by a row of the big table").hasSizeGreaterThanOrEqualTo(8)
                .doesNotHaveDuplicates();
    }
}
