package dev.dunning.decision;

/** Wording of a message, softest first. */
public enum Tone {
    FRIENDLY,
    NEUTRAL,
    FIRM,
    FORMAL
}
