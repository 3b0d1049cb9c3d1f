package dev.dunning.facts;

/**
 * A write that contradicts what is stored: a field naming something that does not exist (an unknown customer on an
 * invoice), or a value the stored facts do not allow (a payment in another currency, an overpayment). {@link #conflict}
 * tells whether the request itself was fine but the state forbids it (409) or the request is wrong (400).
 */
public class FactRejectedException extends RuntimeException {

    private final String field;
    private final boolean conflict;

    private FactRejectedException(String field, String message, boolean conflict) {
        super(message);
        this.field = field;
        this.conflict = conflict;
    }

    /** The request names something wrong; 400. */
    public static FactRejectedException invalid(String field, String message) {
        return new FactRejectedException(field, message, false);
    }

    /** The request is well-formed but what is stored forbids it; 409. */
    public static FactRejectedException conflict(String field, String message) {
        return new FactRejectedException(field, message, true);
    }

    public String field() {
        return field;
    }

    public boolean conflict() {
        return conflict;
    }
}
