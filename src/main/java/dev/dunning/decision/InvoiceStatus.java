package dev.dunning.decision;

public enum InvoiceStatus {
    OPEN,
    PARTIALLY_PAID,
    PAID,
    DISPUTED,
    WRITTEN_OFF;

    /** Only these can still be dunned; paid and written-off invoices are history. */
    public boolean isOpen() {
        return this == OPEN || this == PARTIALLY_PAID || this == DISPUTED;
    }
}
