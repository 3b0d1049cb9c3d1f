package dev.dunning.rules;

import java.util.stream.Collectors;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints every problem of a broken rule set at start-up, instead of a stack trace. */
class RuleSetFailureAnalyzer extends AbstractFailureAnalyzer<RuleSetException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RuleSetException cause) {
        String problems = cause.problems().stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
        return new FailureAnalysis(
                "The rule set cannot be used (" + cause.problems().size() + " problem(s)); the service does not start "
                        + "with part of its rules:\n" + problems,
                "Correct the files named above, or start with --dunning.rules-dir and --dunning.decision-tables-dir "
                        + "pointing at a working rule set.",
                cause);
    }
}
