package dev.dunning.decision;

import java.math.BigDecimal;

/**
 * One open invoice that is overdue or whose payment failed, flattened with the customer fields that payment-failure
 * and fee rows look at, so such a row constrains this one fact only.
 */
public final class InvoiceCase {

    /** Days since the last failure when its time is unknown: long enough for any retry interval. */
    public static final int UNKNOWN_DAYS = 999;

    private final String invoiceId;
    private final String number;
    private final String currency;
    private final BigDecimal outstanding;
    private final int daysOverdue;
    private final String status;
    private final String paymentMethod;
    private final int failedAttempts;
    private final String lastDeclineCode;
    private final String declineClass;
    private final int daysSinceLastFailure;
    private final boolean disputed;
    private final String segment;
    private final boolean business;
    private final String country;

    public InvoiceCase(
            String invoiceId,
            String number,
            String currency,
            BigDecimal outstanding,
            int daysOverdue,
            String status,
            String paymentMethod,
            int failedAttempts,
            String lastDeclineCode,
            String declineClass,
            int daysSinceLastFailure,
            boolean disputed,
            String segment,
            boolean business,
            String country) {
        this.invoiceId = invoiceId;
        this.number = number;
        this.currency = currency;
        this.outstanding = outstanding;
        this.daysOverdue = daysOverdue;
        this.status = status;
        this.paymentMethod = paymentMethod;
        this.failedAttempts = failedAttempts;
        this.lastDeclineCode = lastDeclineCode;
        this.declineClass = declineClass;
        this.daysSinceLastFailure = daysSinceLastFailure;
        this.disputed = disputed;
        this.segment = segment;
        this.business = business;
        this.country = country;
    }

    public String getInvoiceId() {
        return invoiceId;
    }

    public String getNumber() {
        return number;
    }

    public String getCurrency() {
        return currency;
    }

    public BigDecimal getOutstanding() {
        return outstanding;
    }

    /** Whole days past the due date in the customer's local calendar; 0 while not yet due. */
    public int getDaysOverdue() {
        return daysOverdue;
    }

    public boolean isOverdue() {
        return daysOverdue > 0;
    }

    public String getStatus() {
        return status;
    }

    public String getPaymentMethod() {
        return paymentMethod;
    }

    public int getFailedAttempts() {
        return failedAttempts;
    }

    public String getLastDeclineCode() {
        return lastDeclineCode;
    }

    /** SOFT or HARD for the last failed payment, null when no payment failed. */
    public String getDeclineClass() {
        return declineClass;
    }

    /** Whole days since the last failed payment; {@link #UNKNOWN_DAYS} when the billing system did not say when. */
    public int getDaysSinceLastFailure() {
        return daysSinceLastFailure;
    }

    public boolean isDisputed() {
        return disputed;
    }

    public String getSegment() {
        return segment;
    }

    public boolean isBusiness() {
        return business;
    }

    public String getCountry() {
        return country;
    }

    @Override
    public String toString() {
        return "invoice " + number + " (" + currency + " " + outstanding.toPlainString() + ", " + daysOverdue
                + " days overdue" + (failedAttempts > 0 ? ", " + failedAttempts + " failed payment(s)" : "") + ")";
    }
}
