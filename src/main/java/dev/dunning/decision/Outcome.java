package dev.dunning.decision;

public enum Outcome {
    SENT,
    DELIVERED,
    OPENED,
    REPLIED,
    BOUNCED,
    FAILED,
    CONVERSATION;

    /** Whether the customer was (as far as we know) reached: a failed or bounced attempt did not reach a stage. */
    public boolean reached() {
        return this != BOUNCED && this != FAILED;
    }
}
