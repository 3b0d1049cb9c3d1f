package dev.dunning.bench;

import dev.dunning.bench.BenchFixtures.Cursor;
import dev.dunning.bench.BenchFixtures.Policy;
import dev.dunning.decision.Decision;
import dev.dunning.decision.DunningCase;
import dev.dunning.rules.DecisionEngine;
import dev.dunning.rules.RuleSet;
import java.util.concurrent.TimeUnit;
import org.kie.api.KieBase;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.FactHandle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where the time of {@code DecisionBenchmark.a_engine} goes: the engine's steps taken away one at a time, in average
 * time per decision, so that neighbouring figures differ by one step:
 *
 * <pre>
 *   DecisionBenchmark.a_engine   evaluate(Facts)                         (public API)
 *     derivation                 = a_engine - s1                         (also alone: DerivationBenchmark)
 *   s1_engine_preDerived         evaluate(DunningCase, RuleSet)           (public API, facts derived beforehand)
 *     trace listener + finish()  = s1 - s2
 *   s2_noTrace                   the engine's loop, copied here: one fireAllRules per group, update(decision) after
 *                                each group; no listener, no finish()
 *     update(decision)           = s2 - s3  (including the tone/channel/constraint rows it lets match)
 *   s3_noUpdate                  one fireAllRules per group, no update
 *     fireAllRules per group     = s3 - s4
 *   s4_oneFire                   stateful session, focus stack as in (b), one fireAllRules
 *     stateless batch            = DecisionBenchmark.b_rawDrools - s4
 * </pre>
 *
 * <p>s2 to s4 copy the engine's code (DecisionEngine is not changed for the benchmark); each creates and disposes one
 * KieSession per decision, as the engine does. Inputs: the same ten samples as DecisionBenchmark.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class EngineCostBreakdown {

    @Param({BenchFixtures.SHIPPED, BenchFixtures.LADDER_1000})
    public String policy;

    private RuleSet ruleSet;
    private KieBase kieBase;
    private DecisionEngine engine;
    private DunningCase[] cases;

    @Setup(Level.Trial)
    public void compile() {
        Policy p = BenchFixtures.policy(policy);
        ruleSet = p.ruleSet();
        kieBase = ruleSet.kieBase();
        engine = BenchFixtures.engine(ruleSet);
        cases = BenchFixtures.samples().cases();
    }

    @Benchmark
    public Decision s1_engine_preDerived(Cursor cursor) {
        return engine.evaluate(cases[cursor.next(cases.length)], ruleSet);
    }

    @Benchmark
    public Decision s2_noTrace(Cursor cursor) {
        return perGroup(cases[cursor.next(cases.length)], true);
    }

    @Benchmark
    public Decision s3_noUpdate(Cursor cursor) {
        return perGroup(cases[cursor.next(cases.length)], false);
    }

    @Benchmark
    public Decision s4_oneFire(Cursor cursor) {
        DunningCase dunningCase = cases[cursor.next(cases.length)];
        Decision decision = new Decision(dunningCase);
        KieSession session = kieBase.newKieSession();
        try {
            insert(session, dunningCase, decision);
            for (int i = DecisionEngine.GROUPS.size() - 1; i >= 0; i--) {
                session.getAgenda().getAgendaGroup(DecisionEngine.GROUPS.get(i)).setFocus();
            }
            session.fireAllRules();
        } finally {
            session.dispose();
        }
        return decision;
    }

    /** DecisionEngine.evaluate(DunningCase, RuleSet) without its listener and finish(), with or without update. */
    private Decision perGroup(DunningCase dunningCase, boolean update) {
        Decision decision = new Decision(dunningCase);
        KieSession session = kieBase.newKieSession();
        try {
            FactHandle decisionHandle = insert(session, dunningCase, decision);
            for (String group : DecisionEngine.GROUPS) {
                session.getAgenda().getAgendaGroup(group).setFocus();
                int fired = session.fireAllRules();
                if (decision.isClosed()) {
                    break;
                }
                if (update && fired > 0) {
                    session.update(decisionHandle, decision);
                }
            }
        } finally {
            session.dispose();
        }
        return decision;
    }

    private static FactHandle insert(KieSession session, DunningCase dunningCase, Decision decision) {
        session.setGlobal("decision", decision);
        session.insert(dunningCase);
        dunningCase.getExposures().forEach(session::insert);
        dunningCase.getInvoiceCases().forEach(session::insert);
        return session.insert(decision);
    }
}
