package dev.dunning.bench;

import dev.dunning.bench.BenchFixtures.Cursor;
import dev.dunning.bench.BenchFixtures.Policy;
import dev.dunning.decision.Decision;
import dev.dunning.decision.DunningCase;
import dev.dunning.decision.Facts;
import dev.dunning.rules.DecisionEngine;
import java.util.concurrent.TimeUnit;
import org.kie.api.runtime.StatelessKieSession;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * One decision, three ways, on the shipped policy and on the policy with a generated 1,000-row ladder (see
 * docs/benchmarks.md for the command and the figures):
 *
 * <ul>
 *   <li>{@code a_engine}: {@link DecisionEngine#evaluate(Facts)}, the service's evaluation core: derivation of the
 *       DunningCase, one stateful session per decision, the agenda groups fired one by one with the Decision
 *       re-presented between them, the trace listener, {@code Decision.finish()}.
 *   <li>{@code b_rawDrools}: the same KieBase through a stateless session and one BatchExecution (set global, insert
 *       the pre-derived DunningCase, Exposure and InvoiceCase facts and the Decision, focus the groups with "holds" on
 *       top, fire all rules). No derivation, no listener, no update between groups, no finish.
 *   <li>{@code c_plainJava}: the first matching row of the same ladder in plain Java, on the pre-derived Exposure.
 * </ul>
 *
 * <p>Each invocation decides the next of {@link BenchFixtures#SAMPLES} (ten customers spread over segments,
 * currencies, amounts and stages), so every figure is an average over the same mix of inputs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class DecisionBenchmark {

    @Param({BenchFixtures.SHIPPED, BenchFixtures.LADDER_1000})
    public String policy;

    private DecisionEngine engine;
    private StatelessKieSession stateless;
    private LadderTable ladder;
    private Facts[] facts;
    private DunningCase[] cases;

    @Setup(Level.Trial)
    public void compile() {
        Policy p = BenchFixtures.policy(policy);
        engine = BenchFixtures.engine(p.ruleSet());
        stateless = p.ruleSet().kieBase().newStatelessKieSession();
        ladder = p.ladder();
        BenchFixtures.Samples samples = BenchFixtures.samples();
        facts = samples.facts();
        cases = samples.cases();
    }

    @Benchmark
    public Decision a_engine(Cursor cursor) {
        return BenchFixtures.viaEngine(engine, facts[cursor.next(facts.length)]);
    }

    @Benchmark
    public Decision b_rawDrools(Cursor cursor) {
        return BenchFixtures.viaStateless(stateless, cases[cursor.next(cases.length)]);
    }

    @Benchmark
    public LadderTable.Step c_plainJava(Cursor cursor) {
        return BenchFixtures.viaPlainJava(ladder, cases[cursor.next(cases.length)]);
    }

    /**
     * (a) and (b) taking turns in one thread on the same sample; which of the two goes first alternates. Both see the
     * same JIT state, GC and background load, so their ratio holds even on a busy machine where two forks minutes
     * apart would not. JMH sums these counters over the measurement iterations, so the table shows totals:
     * time(a) per decision = aNanos / pairs, and throughput (a)/(b) = bNanos / aNanos.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Turns {
        public long aNanos;
        public long bNanos;
        public long pairs;

        @Setup(Level.Iteration)
        public void reset() {
            aNanos = 0;
            bNanos = 0;
            pairs = 0;
        }
    }

    @Benchmark
    public void ab_alternating(Cursor cursor, Turns turns, Blackhole bh) {
        int i = cursor.next(facts.length);
        boolean aFirst = (turns.pairs & 1) == 0;
        long t0 = System.nanoTime();
        bh.consume(aFirst ? BenchFixtures.viaEngine(engine, facts[i]) : BenchFixtures.viaStateless(stateless, cases[i]));
        long t1 = System.nanoTime();
        bh.consume(aFirst ? BenchFixtures.viaStateless(stateless, cases[i]) : BenchFixtures.viaEngine(engine, facts[i]));
        long t2 = System.nanoTime();
        turns.aNanos += aFirst ? t1 - t0 : t2 - t1;
        turns.bNanos += aFirst ? t2 - t1 : t1 - t0;
        turns.pairs++;
    }
}
