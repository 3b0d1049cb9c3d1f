package dev.dunning.decision;

public enum Segment {
    CONSUMER,
    SMALL_BUSINESS,
    ENTERPRISE,
    PUBLIC_SECTOR;

    public boolean isBusiness() {
        return this != CONSUMER;
    }
}
