package dev.dunning.audit;

/** The decision could not be made durable in the audit log, so it must not be returned or dispatched (503). */
public class AuditUnavailableException extends RuntimeException {

    public AuditUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
