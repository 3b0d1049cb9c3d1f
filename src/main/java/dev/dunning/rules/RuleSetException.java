package dev.dunning.rules;

import java.util.List;
import java.util.stream.Collectors;

/** A rule set that cannot be used, with every problem found in it (not just the first). */
public class RuleSetException extends RuntimeException {

    private final List<RuleProblem> problems;
    private final String gate;

    public RuleSetException(List<RuleProblem> problems) {
        this(problems, null);
    }

    /** @param gate the gate that refused the set: checks, safety or compile (null when not known) */
    public RuleSetException(List<RuleProblem> problems, String gate) {
        super(problems.size() + " problem(s) in the rule set:\n" + problems.stream()
                .map(p -> "  " + p)
                .collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
        this.gate = gate;
    }

    public String gate() {
        return gate;
    }

    public List<RuleProblem> problems() {
        return problems;
    }
}
