package dev.dunning.bench;

import dev.dunning.bench.BenchFixtures.Cursor;
import dev.dunning.decision.Decision;
import dev.dunning.decision.Facts;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.ArmAssigner;
import dev.dunning.rules.DecisionEngine;
import dev.dunning.rules.RuleSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What a running champion/challenger test costs one decision (docs/benchmarks.md, section 1): the routing (SHA-256 of
 * salt and customer id) and the evaluation the service does for the customer's arm, {@link
 * DecisionEngine#evaluate(Facts, ActiveRuleSet.Choice)}:
 *
 * <ul>
 *   <li>{@code none}: no test; the champion decides (what every decision costs outside a test);
 *   <li>{@code champion}: a test runs and the customer is in the champion arm: the champion decides, as without a
 *       test, after the routing's hash;
 *   <li>{@code challenger}: the customer is in the challenger arm: the challenger decides, and the champion is
 *       evaluated on the same case too, for its guardrails (holds, contact hours, call limits; {@code
 *       Decision.keepGuardrailsOf}). This is the double evaluation.
 * </ul>
 *
 * <p>The challenger is the shipped policy compiled a second time (its own KieBase): a challenger of the same size as
 * the champion. The three run in turn in one thread on the same sample (their order rotating), so that they share JIT
 * state, GC and the machine's background load; the counters are totals over the measurement iterations, and the time
 * of a decision is the counter divided by {@code rounds}. The arms are fixed by the salt: the setup takes the first
 * salt that puts all ten samples in the arm wanted at a 50 % share.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class ChallengerCostBenchmark {

    private DecisionEngine engine;
    private Facts[] facts;
    private ActiveRuleSet.Routing none;
    private ActiveRuleSet.Routing championArm;
    private ActiveRuleSet.Routing challengerArm;

    @Setup(Level.Trial)
    public void compile() {
        RuleSet champion = BenchFixtures.policy(BenchFixtures.SHIPPED).ruleSet();
        RuleSet challenger = BenchFixtures.policy(BenchFixtures.SHIPPED).ruleSet();
        engine = BenchFixtures.engine(champion);
        facts = BenchFixtures.samples().facts();
        none = new ActiveRuleSet.Routing(champion, null);
        championArm = routing(champion, challenger, false);
        challengerArm = routing(champion, challenger, true);
        for (Facts f : facts) {
            String id = f.customer().id();
            if (none.choose(id).inTest() || !ActiveRuleSet.CHAMPION.equals(championArm.choose(id).arm())
                    || !ActiveRuleSet.CHALLENGER.equals(challengerArm.choose(id).arm())) {
                throw new IllegalStateException("the arms are not as wanted for " + id);
            }
        }
    }

    /** A running test at a 50 % share whose salt puts every sample in the challenger arm, or every one outside it. */
    private ActiveRuleSet.Routing routing(RuleSet champion, RuleSet challenger, boolean inChallenger) {
        for (int i = 0; ; i++) {
            ArmAssigner arms = new ArmAssigner("bench-salt-" + i, ArmAssigner.BASIS_POINTS / 2);
            boolean all = true;
            for (Facts f : facts) {
                all &= arms.challenger(f.customer().id()) == inChallenger;
            }
            if (all) {
                return new ActiveRuleSet.Routing(champion, new ActiveRuleSet.Challenge(1, champion.version(),
                        challenger, arms));
            }
        }
    }

    /** One decision as the decision service makes it: the customer's arm, then the evaluation that arm needs. */
    static Decision decide(DecisionEngine engine, ActiveRuleSet.Routing routing, Facts facts) {
        return engine.evaluate(facts, routing.choose(facts.customer().id()));
    }

    @Benchmark
    public Decision none(Cursor cursor) {
        return decide(engine, none, facts[cursor.next(facts.length)]);
    }

    @Benchmark
    public Decision champion(Cursor cursor) {
        return decide(engine, championArm, facts[cursor.next(facts.length)]);
    }

    @Benchmark
    public Decision challenger(Cursor cursor) {
        return decide(engine, challengerArm, facts[cursor.next(facts.length)]);
    }

    /** The three in turn on one sample; JMH sums the counters over the measurement iterations. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Turns {
        public long noneNanos;
        public long championNanos;
        public long challengerNanos;
        public long rounds;

        @Setup(Level.Iteration)
        public void reset() {
            noneNanos = 0;
            championNanos = 0;
            challengerNanos = 0;
            rounds = 0;
        }
    }

    @Benchmark
    public void alternating(Cursor cursor, Turns turns, Blackhole bh) {
        Facts f = facts[cursor.next(facts.length)];
        int first = (int) (turns.rounds % 3);
        for (int k = 0; k < 3; k++) {
            int which = (first + k) % 3;
            ActiveRuleSet.Routing routing = which == 0 ? none : which == 1 ? championArm : challengerArm;
            long t0 = System.nanoTime();
            bh.consume(decide(engine, routing, f));
            long took = System.nanoTime() - t0;
            if (which == 0) {
                turns.noneNanos += took;
            } else if (which == 1) {
                turns.championNanos += took;
            } else {
                turns.challengerNanos += took;
            }
        }
        turns.rounds++;
    }
}
