package dev.dunning.rules;

import java.time.Duration;

/**
 * An evaluation ran past its time budget and was stopped between two firings: the rule named is the one that fired
 * last. The decision was not made (and not recorded); the active rules stay active.
 */
public class RuleTimeoutException extends RuleEvaluationException {

    private final Duration budget;

    public RuleTimeoutException(String rule, RuleOrigin origin, Duration budget) {
        super(rule, origin, new IllegalStateException("the decision took longer than its time budget of "
                + budget.toMillis() + " ms (setting dunning.evaluation-budget) and was stopped after this rule"));
        this.budget = budget;
    }

    public Duration budget() {
        return budget;
    }
}
