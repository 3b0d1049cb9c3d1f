package dev.dunning.rulesets;

/**
 * A reviewed activation or rollback whose request was made while another version was in force than now: the reviewer
 * judged the change against rules that no longer serve, so it is not activated.
 */
public class StaleRequestException extends RuntimeException {

    private final String askedAgainst;
    private final String inForce;

    StaleRequestException(String message, String askedAgainst, String inForce) {
        super(message);
        this.askedAgainst = askedAgainst;
        this.inForce = inForce;
    }

    /** The version in force when the request was made. */
    public String askedAgainst() {
        return askedAgainst;
    }

    /** The version in force now (null: none). */
    public String inForce() {
        return inForce;
    }
}
