package dev.dunning.facts;

/** The result of an idempotent write: the stored value, and whether this request created it. */
public record Written<T>(T value, boolean created) {}
