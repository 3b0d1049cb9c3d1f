package dev.dunning.decision;

/**
 * A recipient's complaint about a message (docs/effectiveness.md, "Complaints"): kept beside the contact's outcome, not
 * on its ladder, and counted on its own.
 */
public enum Complaint {
    /** Marked as spam: a mail provider's feedback-loop report (ARF) about the e-mail. */
    SPAM_REPORT,
    /** A STOP (or similar opt-out) reply to a text message. */
    STOP_REPLY,
    /** The customer complained about the message to a person (a call, a letter, a support ticket). */
    CUSTOMER
}
