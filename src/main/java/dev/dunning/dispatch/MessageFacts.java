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
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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

        /** One entry's facts, read with a query per kind of fact and one per invoice (a preview, a single send). */
        MessageFacts load(OutboxEntry entry) {
            return assemble(entry, customers.find(entry.customerId()), contactDetails.of(entry.customerId()),
                    entry.invoiceIds().stream().map(invoices::find).flatMap(Optional::stream).toList());
        }

        /**
         * A batch's facts, as {@link #load} reads them one entry at a time, in three set-based queries whatever the
         * batch's size (customers, contact details and invoices, each an IN list over the ids): a dispatcher's batch
         * costs three round trips, not three or more per message. Read now, so a message still says what is true when
         * it is sent.
         */
        Batch loadAll(Collection<OutboxEntry> entries) {
            Set<String> customerIds = new LinkedHashSet<>();
            Set<String> invoiceIds = new LinkedHashSet<>();
            for (OutboxEntry entry : entries) {
                customerIds.add(entry.customerId());
                invoiceIds.addAll(entry.invoiceIds());
            }
            return new Batch(customers.findAll(customerIds), contactDetails.ofAll(customerIds),
                    invoices.findAll(invoiceIds));
        }

        /** What {@link #loadAll} read; {@link #of} gives each entry its facts as {@link #load} would. */
        record Batch(Map<String, Customer> customers, Map<String, ContactDetails> details,
                Map<String, StoredInvoice> invoices) {

            /** The entry's facts; a customer gone since the decision is the same permanent failure as in load. */
            MessageFacts of(OutboxEntry entry) {
                return assemble(entry, Optional.ofNullable(customers.get(entry.customerId())),
                        details.getOrDefault(entry.customerId(), ContactDetails.NONE),
                        entry.invoiceIds().stream().map(invoices::get).filter(Objects::nonNull).toList());
            }
        }

        /**
         * The facts from what was read: the customer (absent: a permanent failure), and of the invoices named (in the
         * entry's order, those that exist) the ones still the customer's and still open with something outstanding.
         */
        private static MessageFacts assemble(OutboxEntry entry, Optional<Customer> customer, ContactDetails details,
                List<StoredInvoice> named) {
            Customer found = customer.orElseThrow(() -> new SendFailure(
                    "customer " + entry.customerId() + " no longer exists", true));
            List<Invoice> open = named.stream()
                    .filter(s -> s.customerId().equals(entry.customerId()))
                    .map(StoredInvoice::invoice)
                    .filter(i -> OPEN.contains(i.status()) && i.outstanding().signum() > 0)
                    .toList();
            return new MessageFacts(entry, found, details, open);
        }
    }
}
