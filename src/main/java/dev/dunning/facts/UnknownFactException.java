package dev.dunning.facts;

/** The customer, invoice or hold a request addresses by id does not exist (404). */
public class UnknownFactException extends RuntimeException {

    public UnknownFactException(String kind, Object id) {
        super("No " + kind + " with id \"" + id + "\"");
    }
}
