package dev.dunning.rules;

import java.util.List;
import java.util.stream.Collectors;

/** A rule set that cannot be used, with every problem found in it (not just the first). */
public class RuleSetException extends RuntimeException {

    private final List<RuleProblem> problems;

    public RuleSetException(List<RuleProblem> problems) {
        super(problems.size() + " problem(s) in the rule set:\n" + problems.stream()
                .map(p -> "  " + p)
                .collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<RuleProblem> problems() {
        return problems;
    }
}
