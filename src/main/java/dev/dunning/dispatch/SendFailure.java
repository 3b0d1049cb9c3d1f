package dev.dunning.dispatch;

/**
 * A send that did not happen. {@code permanent} failures (no address, no consent, a receiver that refuses the request)
 * go straight to the dead letters: retrying them cannot help.
 */
class SendFailure extends RuntimeException {

    private final boolean permanent;

    SendFailure(String message, boolean permanent) {
        super(message);
        this.permanent = permanent;
    }

    SendFailure(String message, Throwable cause) {
        super(message, cause);
        this.permanent = false;
    }

    boolean permanent() {
        return permanent;
    }
}
