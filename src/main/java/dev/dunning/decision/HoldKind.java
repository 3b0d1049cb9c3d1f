package dev.dunning.decision;

public enum HoldKind {
    DISPUTE,
    PROMISE_TO_PAY,
    PAYMENT_PLAN,
    BANKRUPTCY,
    BREATHING_SPACE,
    LEGAL,
    MANUAL
}
