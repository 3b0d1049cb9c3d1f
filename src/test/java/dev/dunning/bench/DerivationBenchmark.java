package dev.dunning.bench;

import dev.dunning.decision.DunningCase;
import dev.dunning.decision.Facts;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code DunningCase.derive} alone, on the samples of DecisionBenchmark: the part of {@code a_engine} that is not
 * Drools. It does not depend on the rule set, so it runs once, without the policy parameter.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class DerivationBenchmark {

    private final Facts[] facts = BenchFixtures.sampleFacts().toArray(Facts[]::new);
    private int next;

    @Benchmark
    public DunningCase derive() {
        int i = next;
        next = i + 1 == facts.length ? 0 : i + 1;
        return BenchFixtures.derive(facts[i]);
    }
}
