package dev.dunning.dispatch;

import dev.dunning.decision.Customer;
import dev.dunning.decision.Invoice;
import dev.dunning.decision.InvoiceStatus;
import dev.dunning.facts.ContactDetails;
import dev.dunning.facts.CustomerContactDetails;
import dev.dunning.facts.Customers;
import dev.dunning.facts.Invoices;
import dev.dunning.facts.StoredInvoice;
import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * What a message says, read when it is sent (not when it was decided): the customer's current details and consents,
 * and the invoices concerned with what is still open on them, so that a message never asks for money already paid.
 */
record MessageFacts(OutboxEntry entry, Customer customer, ContactDetails details, List<Invoice> openInvoices) {

    private static final Set<InvoiceStatus> OPEN = EnumSet.of(InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID);

    /** Open amounts per currency, in the order the invoices come; currencies are never added together. */
    Map<String, BigDecimal> totals() {
        Map<String, BigDecimal> totals = new LinkedHashMap<>();
        for (Invoice i : openInvoices) {
            totals.merge(i.currency(), i.outstanding(), BigDecimal::add);
        }
        return totals;
    }

    @Component
    static class Loader {

        private final Customers customers;
        private final CustomerContactDetails contactDetails;
        private final Invoices invoices;

        Loader(Customers customers, CustomerContactDetails contactDetails, Invoices invoices) {
            this.customers = customers;
            this.contactDetails = contactDetails;
            this.invoices = invoices;
        }

        MessageFacts load(OutboxEntry entry) {
            Customer customer = customers.find(entry.customerId()).orElseThrow(() -> new SendFailure(
                    "customer " + entry.customerId() + " no longer exists", true));
            List<Invoice> open = entry.invoiceIds().stream()
                    .map(invoices::find)
                    .flatMap(java.util.Optional::stream)
                    .filter(s -> s.customerId().equals(entry.customerId()))
                    .map(StoredInvoice::invoice)
                    .filter(i -> OPEN.contains(i.status()) && i.outstanding().signum() > 0)
                    .toList();
            return new MessageFacts(entry, customer, contactDetails.of(entry.customerId()), open);
        }
    }
}
