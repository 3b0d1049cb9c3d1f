package dev.dunning.rulesets;

/**
 * A review step the state of the request or the version forbids (approving a decided request, withdrawing someone
 * else's, asking for the version in force), or a comment that is missing or too long ({@link #field()} then names it).
 */
public class ReviewRefusedException extends RuntimeException {

    private final String field;

    /** For another feature's refusal of a step its change forbids (a {@link RuleSetReviews.Change}). */
    protected ReviewRefusedException(String message) {
        this(message, null);
    }

    ReviewRefusedException(String message, String field) {
        super(message);
        this.field = field;
    }

    /** The request field that is wrong (e.g. {@code comment}), or null when the state of things refuses the step. */
    public String field() {
        return field;
    }
}
