package dev.dunning.rules;

/** A rule of the active set failed while firing: a fault of the rule set, not of the caller's facts. */
public class RuleEvaluationException extends RuntimeException {

    private final String rule;
    private final RuleOrigin origin;

    public RuleEvaluationException(String rule, RuleOrigin origin, Throwable cause) {
        super("rule \"" + rule + "\"" + (origin == null ? "" : " (" + describe(origin) + ")") + " failed: "
                + (cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage()), cause);
        this.rule = rule;
        this.origin = origin;
    }

    public String rule() {
        return rule;
    }

    public RuleOrigin origin() {
        return origin;
    }

    private static String describe(RuleOrigin origin) {
        if (origin.sheet() != null) {
            return origin.source() + ", sheet " + origin.sheet() + ", row " + origin.row();
        }
        return origin.source() + (origin.line() != null ? ":" + origin.line() : "");
    }
}
