package dev.dunning.dispatch;

/** Where an outbox entry stands; docs/dispatch.md draws the transitions. */
public enum OutboxStatus {
    /** A person must approve it first (hand-over, suspension). */
    AWAITING_APPROVAL,
    /** Waiting for its time (quiet hours, a retry's backoff). */
    PENDING,
    /** Claimed by a dispatcher that is sending it. */
    SENDING,
    SENT,
    /** Attempts used up or a failure no retry can fix: waits for an operator to re-queue it. */
    DEAD,
    /** A newer decision for the customer replaced it before it was sent. */
    SUPERSEDED,
    /** A person decided against it. */
    REJECTED
}
