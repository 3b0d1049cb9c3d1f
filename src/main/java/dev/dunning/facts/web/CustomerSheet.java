package dev.dunning.facts.web;

import dev.dunning.decision.Customer;
import dev.dunning.decision.HoldKind;
import dev.dunning.decision.Invoice;
import dev.dunning.decision.InvoiceStatus;
import dev.dunning.facts.ContactDetails;
import dev.dunning.facts.Contacts;
import dev.dunning.facts.CustomerContactDetails;
import dev.dunning.facts.Customers;
import dev.dunning.facts.Holds;
import dev.dunning.facts.Invoices;
import dev.dunning.facts.StoredContact;
import dev.dunning.facts.UnknownFactException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * A customer's facts as the console's customer page shows them, read with the repositories the API's customer,
 * invoice, hold and contact endpoints read them with: the customer, its invoices (newest due date first), every hold
 * (active or not, as the API's list says it), and its latest contact attempts. "Today" is the customer's own date, as
 * for decisions and the API's holds.
 */
@Component
public class CustomerSheet {

    /** How many invoices and contact attempts the page shows; the API pages through the rest. */
    public static final int SHOWN = 50;

    private final Customers customers;
    private final CustomerContactDetails contactDetails;
    private final Invoices invoices;
    private final Holds holds;
    private final Contacts contacts;
    private final Clock clock;

    CustomerSheet(Customers customers, CustomerContactDetails contactDetails, Invoices invoices, Holds holds,
            Contacts contacts, Clock clock) {
        this.customers = customers;
        this.contactDetails = contactDetails;
        this.invoices = invoices;
        this.holds = holds;
        this.contacts = contacts;
        this.clock = clock;
    }

    /** An invoice with what is still open and, when it is overdue, by how many days (in the customer's time zone). */
    public record InvoiceLine(Invoice invoice, BigDecimal open, long daysOverdue) {}

    /** A hold as the API shows it. */
    public record HoldLine(long id, HoldKind kind, String invoiceId, LocalDate from, LocalDate until, String reason,
            Instant createdAt, String createdBy, Instant endedAt, String endedBy, boolean active) {}

    /** Everything the page shows of the customer; {@code invoiceCount} and {@code contactCount} count all of them. */
    public record Sheet(Customer customer, ContactDetails details, LocalDate today, List<InvoiceLine> invoices,
            long invoiceCount, List<HoldLine> holds, List<StoredContact> contacts, long contactCount) {}

    public Sheet of(String customerId) {
        Customer customer = customers.find(customerId).orElseThrow(() -> new UnknownFactException("customer",
                customerId));
        LocalDate today = HoldController.today(customers, clock, customerId);
        List<InvoiceLine> lines = invoices.pageOfCustomer(customerId, Set.<InvoiceStatus>of(), 0, SHOWN).stream()
                .map(stored -> line(stored.invoice(), today)).toList();
        List<HoldLine> holdLines = holds.ofCustomer(customerId).stream().map(h -> HoldController.view(h, today))
                .map(v -> new HoldLine(v.id(), v.kind(), v.invoiceId(), v.from(), v.until(), v.reason(),
                        v.createdAt(), v.createdBy(), v.endedAt(), v.endedBy(), v.active()))
                .toList();
        return new Sheet(customer, contactDetails.of(customerId), today, lines,
                invoices.countOfCustomer(customerId, Set.of()), holdLines,
                contacts.pageOfCustomer(customerId, 0, SHOWN), contacts.countOfCustomer(customerId));
    }

    /** Customers whose id or name starts with the text, at most {@code limit}. */
    public List<Customer> search(String text, int limit) {
        return customers.search(text, limit);
    }

    private static InvoiceLine line(Invoice invoice, LocalDate today) {
        BigDecimal open = invoice.outstanding();
        boolean unpaid = open.signum() > 0 && invoice.status() != InvoiceStatus.PAID
                && invoice.status() != InvoiceStatus.WRITTEN_OFF;
        long days = unpaid && invoice.dueDate().isBefore(today) ? ChronoUnit.DAYS.between(invoice.dueDate(), today) : 0;
        return new InvoiceLine(invoice, open, days);
    }
}
