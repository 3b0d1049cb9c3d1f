package dev.dunning.rules;

import dev.dunning.decision.Decision;
import dev.dunning.decision.Fee;
import dev.dunning.decision.TraceEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Runs scenarios against a rule set and says, for each, what was expected and what came out instead. */
public final class ScenarioRunner {

    /** The outcome of one scenario: mismatches is empty when it passed. */
    public record Result(Scenario scenario, Decision decision, List<String> mismatches) {
        public boolean passed() {
            return mismatches.isEmpty();
        }

        public String report() {
            return scenario.name() + " (" + scenario.where() + "): " + (passed() ? "passed" : String.join("; ", mismatches));
        }
    }

    private final DecisionEngine engine;

    public ScenarioRunner(DecisionEngine engine) {
        this.engine = engine;
    }

    public Result run(Scenario scenario, RuleSet ruleSet) {
        Decision d = engine.evaluate(scenario.facts(), ruleSet);
        List<String> mismatches = new ArrayList<>();
        check(mismatches, "action", scenario.action(), d.getAction());
        if (scenario.channel() != null) {
            check(mismatches, "channel", scenario.channel(), d.getChannel());
        }
        if (scenario.tone() != null) {
            check(mismatches, "tone", scenario.tone().equals("-") ? null : scenario.tone(), d.getTone());
        }
        if (scenario.stage() != null) {
            check(mismatches, "stage", scenario.stage(), d.getStage());
        }
        for (Scenario.Expectation e : scenario.expect()) {
            String want = e.value();
            switch (e.key()) {
                case "notBefore" -> check(mismatches, "notBefore", want.equals("-") ? null : want,
                        d.getNotBefore() == null ? null : d.getNotBefore().toString());
                case "nextReviewOn" -> check(mismatches, "nextReviewOn", want.equals("-") ? null : want,
                        d.getNextReviewOn() == null ? null : d.getNextReviewOn().toString());
                case "requiresApproval" -> check(mismatches, "requiresApproval", Boolean.valueOf(want),
                        d.isRequiresApproval());
                case "invoiceIds" -> check(mismatches, "invoiceIds",
                        want.equals("-") ? "" : want.replace(" ", ""), String.join(",", d.getInvoiceIds()));
                case "fees" -> check(mismatches, "number of fees", Integer.valueOf(want), d.getFees().size());
                case "fee" -> {
                    boolean found = d.getFees().stream()
                            .anyMatch(f -> (f.currency() + " " + f.amount().toPlainString()).equals(want));
                    if (!found) {
                        mismatches.add("expected a fee of " + want + " but got "
                                + d.getFees().stream().map(ScenarioRunner::fee).toList());
                    }
                }
                case "reason" -> {
                    if (d.getReasons().stream().noneMatch(r -> r.contains(want))) {
                        mismatches.add("expected a reason containing \"" + want + "\" but got " + d.getReasons());
                    }
                }
                case "policy" -> {
                    if (d.getTrace().stream().noneMatch(t -> !t.overridden() && want.equals(policy(t)))) {
                        mismatches.add("expected policy " + want + " to decide, but these did: "
                                + d.getTrace().stream().filter(t -> !t.overridden()).map(ScenarioRunner::policy).toList());
                    }
                }
                default -> mismatches.add("unknown expectation \"" + e.key() + "\"");
            }
        }
        return new Result(scenario, d, mismatches);
    }

    public List<Result> runAll(List<Scenario> scenarios, RuleSet ruleSet) {
        return scenarios.stream().map(s -> run(s, ruleSet)).toList();
    }

    /** The policy reference a trace entry carries, or null. */
    public static String policy(TraceEntry entry) {
        Object value = entry.metadata() == null ? null : entry.metadata().get("policy");
        return value == null ? null : value.toString();
    }

    private static String fee(Fee f) {
        return f.currency() + " " + f.amount().toPlainString();
    }

    private static void check(List<String> mismatches, String what, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            mismatches.add("expected " + what + " " + expected + " but got " + actual);
        }
    }
}
