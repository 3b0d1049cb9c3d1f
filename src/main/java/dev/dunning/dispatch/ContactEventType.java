package dev.dunning.dispatch;

import dev.dunning.decision.Outcome;

/**
 * What a provider or a person reports about a sent message, and the contact outcome it leads to. A complaint (a spam
 * report, a STOP reply, a customer's complaint) leads to none: it is kept beside the outcome, not on its ladder.
 */
public enum ContactEventType {
    DELIVERED(Outcome.DELIVERED, 1),
    OPENED(Outcome.OPENED, 2),
    REPLIED(Outcome.REPLIED, 3),
    CONVERSATION(Outcome.CONVERSATION, 3),
    BOUNCED(Outcome.BOUNCED, 4),
    COMPLAINED(null, -1);

    private final Outcome outcome;
    private final int rank;

    ContactEventType(Outcome outcome, int rank) {
        this.outcome = outcome;
        this.rank = rank;
    }

    /** The outcome the event leads to; null for a complaint, which leaves the outcome as it is. */
    public Outcome outcome() {
        return outcome;
    }

    /**
     * Events arrive out of order (an "opened" after the "replied"): an outcome is only replaced by one at least as
     * telling. A bounce always wins.
     */
    static int rank(Outcome outcome) {
        for (ContactEventType type : values()) {
            if (type.outcome == outcome) {
                return type.rank;
            }
        }
        return 0;
    }

    int rank() {
        return rank;
    }
}
