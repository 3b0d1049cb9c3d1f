package dev.dunning.decision;

import java.math.BigDecimal;

/**
 * What the customer owes past due in one currency, flattened with the customer fields the escalation ladder
 * looks at, so that a ladder row constrains this one fact only (no joins: see docs/fact-model.md).
 */
public final class Exposure {

    private final String customerId;
    private final String currency;
    private final BigDecimal overdueAmount;
    private final int overdueInvoiceCount;
    private final int maxDaysOverdue;
    private final String segment;
    private final String country;
    private final int stageReached;
    private final int riskScore;

    public Exposure(
            String customerId,
            String currency,
            BigDecimal overdueAmount,
            int overdueInvoiceCount,
            int maxDaysOverdue,
            String segment,
            String country,
            int stageReached,
            int riskScore) {
        this.customerId = customerId;
        this.currency = currency;
        this.overdueAmount = overdueAmount;
        this.overdueInvoiceCount = overdueInvoiceCount;
        this.maxDaysOverdue = maxDaysOverdue;
        this.segment = segment;
        this.country = country;
        this.stageReached = stageReached;
        this.riskScore = riskScore;
    }

    public String getCustomerId() {
        return customerId;
    }

    public String getCurrency() {
        return currency;
    }

    public BigDecimal getOverdueAmount() {
        return overdueAmount;
    }

    public int getOverdueInvoiceCount() {
        return overdueInvoiceCount;
    }

    public int getMaxDaysOverdue() {
        return maxDaysOverdue;
    }

    public String getSegment() {
        return segment;
    }

    /** True for every segment but CONSUMER. */
    public boolean isBusiness() {
        return !"CONSUMER".equals(segment);
    }

    public String getCountry() {
        return country;
    }

    public int getStageReached() {
        return stageReached;
    }

    public int getRiskScore() {
        return riskScore;
    }

    @Override
    public String toString() {
        return currency + " " + overdueAmount.toPlainString() + " overdue on " + overdueInvoiceCount + " invoice(s), oldest "
                + maxDaysOverdue + " days";
    }
}
