package dev.dunning.rulesets;

import dev.dunning.rules.RuleProblem;
import java.util.List;

/** An upload refused before it became a candidate (too large, a zip bomb, macros, names outside a rule set). */
public class UploadRefusedException extends RuntimeException {

    private final List<RuleProblem> problems;
    private final boolean tooLarge;

    UploadRefusedException(String message, List<RuleProblem> problems, boolean tooLarge) {
        super(message);
        this.problems = List.copyOf(problems);
        this.tooLarge = tooLarge;
    }

    public List<RuleProblem> problems() {
        return problems;
    }

    /** Answered with 413 rather than 422. */
    public boolean tooLarge() {
        return tooLarge;
    }
}
