package dev.dunning.decision;

/** SOFT declines may be retried; HARD ones never are. */
public enum DeclineClass {
    SOFT,
    HARD
}
