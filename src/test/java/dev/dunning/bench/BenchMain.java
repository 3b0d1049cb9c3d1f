package dev.dunning.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.util.ListStatistics;

/**
 * Runs JMH with the usual command-line options (the same as {@code org.openjdk.jmh.Main}), then prints the ratios this
 * benchmark is about, computed from the results of that same run: (a)/(b) and (c)/(a) per rule set, (a)/(b) from the
 * alternating benchmark, and the engine's time per decision taken apart step by step. See docs/benchmarks.md.
 */
public final class BenchMain {

    private static final Set<String> NOT_A_RUN = Set.of("-h", "-l", "-lp", "-lprof", "-lrf");

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        if (List.of(args).stream().anyMatch(NOT_A_RUN::contains)) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        Collection<RunResult> results = new Runner(new CommandLineOptions(args)).run();
        System.out.println();
        System.out.println(summary(results));
    }

    static String summary(Collection<RunResult> results) {
        StringBuilder out = new StringBuilder("Ratios from this run (errors: JMH's 99.9% half-widths, combined in "
                + "quadrature for ratios and differences)\n");
        List<String> policies = List.of(BenchFixtures.SHIPPED, BenchFixtures.LADDER_1000);

        out.append(String.format(Locale.ROOT, "%n%-11s %22s %22s %24s %14s %14s%n", "policy", "(a) engine ops/s",
                "(b) raw Drools ops/s", "(c) plain Java ops/s", "(a)/(b)", "(c)/(a)"));
        for (String policy : policies) {
            Value a = find(results, "DecisionBenchmark.a_engine", policy);
            Value b = find(results, "DecisionBenchmark.b_rawDrools", policy);
            Value c = find(results, "DecisionBenchmark.c_plainJava", policy);
            if (a == null && b == null && c == null) {
                continue;
            }
            out.append(String.format(Locale.ROOT, "%-11s %22s %22s %24s %14s %14s%n", policy, str(a, 0), str(b, 0),
                    str(c, 0), str(ratio(a, b), 2), str(ratio(c, a), 1)));
        }

        out.append(String.format(Locale.ROOT, "%n(a) and (b) alternating in one thread (ab_alternating), per "
                + "measurement iteration:%n%-11s %12s %12s %30s%n", "policy", "(a) us", "(b) us",
                "(a)/(b) mean [min..max]"));
        for (String policy : policies) {
            RunResult run = run(results, "DecisionBenchmark.ab_alternating", policy);
            if (run == null) {
                continue;
            }
            ListStatistics ratios = new ListStatistics();
            long aNanos = 0;
            long bNanos = 0;
            long pairs = 0;
            for (BenchmarkResult fork : run.getBenchmarkResults()) {
                for (IterationResult iteration : fork.getIterationResults()) {
                    Map<String, Result> secondary = iteration.getSecondaryResults();
                    long a = (long) score(secondary, "aNanos");
                    long b = (long) score(secondary, "bNanos");
                    aNanos += a;
                    bNanos += b;
                    pairs += (long) score(secondary, "pairs");
                    ratios.addValue((double) b / a);
                }
            }
            double error = ratios.getN() > 1 ? ratios.getMeanErrorAt(0.999) : Double.NaN;
            out.append(String.format(Locale.ROOT, "%-11s %12.2f %12.2f %30s%n", policy, aNanos / 1e3 / pairs,
                    bNanos / 1e3 / pairs, String.format(Locale.ROOT, "%.3f ± %.3f [%.3f..%.3f]", ratios.getMean(),
                            error, ratios.getMin(), ratios.getMax())));
        }

        out.append(String.format(Locale.ROOT, "%nThe engine's time per decision, step by step (us; see "
                + "EngineCostBreakdown):%n"));
        for (String policy : policies) {
            Value a = micros(find(results, "DecisionBenchmark.a_engine", policy));
            Value s1 = find(results, "EngineCostBreakdown.s1_engine_preDerived", policy);
            Value s2 = find(results, "EngineCostBreakdown.s2_noTrace", policy);
            Value s3 = find(results, "EngineCostBreakdown.s3_noUpdate", policy);
            Value s4 = find(results, "EngineCostBreakdown.s4_oneFire", policy);
            Value b = micros(find(results, "DecisionBenchmark.b_rawDrools", policy));
            if (s1 == null && s2 == null && s3 == null && s4 == null) {
                continue;
            }
            out.append(String.format(Locale.ROOT, "%s:%n", policy));
            line(out, "(a) evaluate(Facts)", a, null);
            line(out, "  derivation", minus(a, s1), a);
            line(out, "s1 evaluate(DunningCase, RuleSet)", s1, a);
            line(out, "  trace listener + finish()", minus(s1, s2), a);
            line(out, "s2 no trace", s2, a);
            line(out, "  update(decision) after each group", minus(s2, s3), a);
            line(out, "s3 no update", s3, a);
            line(out, "  fireAllRules per group", minus(s3, s4), a);
            line(out, "s4 one fireAllRules, stateful", s4, a);
            line(out, "  stateless batch vs stateful", minus(b, s4), a);
            line(out, "(b) raw Drools", b, a);
        }
        RunResult test = run(results, "ChallengerCostBenchmark.alternating", null);
        if (test != null) {
            ListStatistics champion = new ListStatistics();
            ListStatistics challenger = new ListStatistics();
            long none = 0;
            long inChampion = 0;
            long inChallenger = 0;
            long rounds = 0;
            for (BenchmarkResult fork : test.getBenchmarkResults()) {
                for (IterationResult iteration : fork.getIterationResults()) {
                    Map<String, Result> secondary = iteration.getSecondaryResults();
                    long n = (long) score(secondary, "noneNanos");
                    long c = (long) score(secondary, "championNanos");
                    long x = (long) score(secondary, "challengerNanos");
                    none += n;
                    inChampion += c;
                    inChallenger += x;
                    rounds += (long) score(secondary, "rounds");
                    champion.addValue((double) c / n);
                    challenger.addValue((double) x / n);
                }
            }
            out.append(String.format(Locale.ROOT, "%nA decision during a champion/challenger test "
                    + "(ChallengerCostBenchmark.alternating, shipped policy; time / time without a test, mean ± "
                    + "99.9%% error [min..max] per iteration):%n"));
            out.append(String.format(Locale.ROOT, "  %-28s %10.2f us%n", "no test", none / 1e3 / rounds));
            out.append(String.format(Locale.ROOT, "  %-28s %10.2f us  %s%n", "test, champion arm",
                    inChampion / 1e3 / rounds, spread(champion)));
            out.append(String.format(Locale.ROOT, "  %-28s %10.2f us  %s%n", "test, challenger arm",
                    inChallenger / 1e3 / rounds, spread(challenger)));
        }
        Value derive = find(results, "DerivationBenchmark.derive", null);
        if (derive != null) {
            out.append(String.format(Locale.ROOT, "DunningCase.derive alone: %s us%n", str(derive, 2)));
        }
        return out.toString();
    }

    private static String spread(ListStatistics ratios) {
        double error = ratios.getN() > 1 ? ratios.getMeanErrorAt(0.999) : Double.NaN;
        return String.format(Locale.ROOT, "%.3f ± %.3f [%.3f..%.3f]", ratios.getMean(), error, ratios.getMin(),
                ratios.getMax());
    }

    /** A score with its error. */
    record Value(double score, double error) {}

    private static void line(StringBuilder out, String label, Value v, Value of) {
        if (v == null) {
            return;
        }
        String share = of == null || of.score() == 0 ? "" : String.format(Locale.ROOT, "%5.1f%% of (a)",
                100 * v.score() / of.score());
        out.append(String.format(Locale.ROOT, "  %-40s %18s  %s%n", label, str(v, 2), share));
    }

    private static RunResult run(Collection<RunResult> results, String benchmark, String policy) {
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            String p = r.getParams().getParam("policy");
            if (name.endsWith("." + benchmark) && (policy == null || policy.equals(p))) {
                return r;
            }
        }
        return null;
    }

    private static Value find(Collection<RunResult> results, String benchmark, String policy) {
        RunResult r = run(results, benchmark, policy);
        if (r == null) {
            return null;
        }
        Result<?> primary = r.getPrimaryResult();
        return new Value(primary.getScore(), primary.getScoreError());
    }

    private static double score(Map<String, Result> secondary, String suffix) {
        for (Map.Entry<String, Result> e : secondary.entrySet()) {
            if (e.getKey().endsWith(suffix)) {
                return e.getValue().getScore();
            }
        }
        throw new IllegalStateException("no secondary result " + suffix + " in " + new ArrayList<>(secondary.keySet()));
    }

    /** ops/s as us/op. */
    private static Value micros(Value opsPerSecond) {
        if (opsPerSecond == null) {
            return null;
        }
        double t = 1e6 / opsPerSecond.score();
        return new Value(t, t * relative(opsPerSecond));
    }

    private static Value ratio(Value x, Value y) {
        if (x == null || y == null) {
            return null;
        }
        double r = x.score() / y.score();
        return new Value(r, r * Math.hypot(relative(x), relative(y)));
    }

    private static Value minus(Value x, Value y) {
        if (x == null || y == null) {
            return null;
        }
        return new Value(x.score() - y.score(), Math.hypot(x.error(), y.error()));
    }

    /** Relative error; NaN (shown as n/a) when JMH had too few iterations to give one. */
    private static double relative(Value v) {
        return v.error() / v.score();
    }

    private static String str(Value v, int decimals) {
        if (v == null) {
            return "-";
        }
        String f = "%,." + decimals + "f";
        return Double.isNaN(v.error())
                ? String.format(Locale.ROOT, f + " ± n/a", v.score())
                : String.format(Locale.ROOT, f + " ± " + f, v.score(), v.error());
    }
}
