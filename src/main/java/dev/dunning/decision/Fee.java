package dev.dunning.decision;

import java.math.BigDecimal;

/** A fee or interest amount the policy suggests charging; never charged by this service itself. */
public record Fee(String kind, String invoiceId, String currency, BigDecimal amount, String basis) {

    public static final String COMPENSATION = "LATE_PAYMENT_COMPENSATION";
    public static final String INTEREST = "LATE_PAYMENT_INTEREST";
}
