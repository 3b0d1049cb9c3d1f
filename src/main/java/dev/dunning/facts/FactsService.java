package dev.dunning.facts;

import dev.dunning.decision.ContactAttempt;
import dev.dunning.decision.Customer;
import dev.dunning.decision.DeclineClass;
import dev.dunning.decision.DeclineCodes;
import dev.dunning.decision.Hold;
import dev.dunning.decision.Invoice;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Every write of facts, each in one transaction: a write that fails a check leaves nothing behind. Checks against
 * stored state (the invoice's currency, its outstanding amount, who it belongs to) run under a row lock, so two
 * concurrent payments cannot together overpay an invoice.
 */
@Service
public class FactsService {

    private final Customers customers;
    private final Invoices invoices;
    private final Payments payments;
    private final Contacts contacts;
    private final Holds holds;
    private final DeclineCodes declineCodes;
    private final CustomerContactDetails contactDetails;
    private final Clock clock;

    public FactsService(Customers customers, Invoices invoices, Payments payments, Contacts contacts, Holds holds,
            DeclineCodes declineCodes, CustomerContactDetails contactDetails, Clock clock) {
        this.customers = customers;
        this.contactDetails = contactDetails;
        this.invoices = invoices;
        this.payments = payments;
        this.contacts = contacts;
        this.holds = holds;
        this.declineCodes = declineCodes;
        this.clock = clock;
    }

    /** A payment as the billing system reports it; {@code reference} makes a repeated report harmless. */
    public record NewPayment(BigDecimal amount, String currency, Instant paidAt, String reference) {}

    /** A failed collection attempt as the billing system reports it. */
    public record NewFailure(Instant failedAt, String declineCode, BigDecimal amount, String reference) {}

    @Transactional
    public Written<Customer> upsertCustomer(Customer customer) {
        return upsertCustomer(customer, null);
    }

    /** Writes the customer and, unless {@code details} is null (leave them as they are), its contact details. */
    @Transactional
    public Written<Customer> upsertCustomer(Customer customer, ContactDetails details) {
        Instant now = clock.instant();
        boolean created = customers.upsert(customer, now);
        if (details != null) {
            contactDetails.replace(customer.id(), details, now);
        }
        return new Written<>(customers.find(customer.id()).orElseThrow(), created);
    }

    @Transactional
    public Written<StoredInvoice> upsertInvoice(String customerId, Invoice invoice) {
        if (!customers.lock(customerId)) {
            throw FactRejectedException.invalid("customerId", "unknown customer \"" + customerId
                    + "\"; create it first with PUT /api/v1/customers/" + customerId);
        }
        // Checked first for a clear message; checked again after the upsert, which holds the row's lock, because a
        // concurrent request may have changed the row in between (SELECT ... FOR UPDATE of a missing row would take a
        // gap lock instead, and two first upserts of one invoice would deadlock).
        invoices.find(invoice.id()).ifPresent(stored -> checkUpdate(customerId, invoice, stored.customerId(),
                stored.invoice()));
        boolean created;
        try {
            created = invoices.upsert(customerId, invoice, clock.instant());
        } catch (DataIntegrityViolationException amountBelowPaid) {
            StoredInvoice now = invoices.find(invoice.id()).orElseThrow(() -> amountBelowPaid);
            checkUpdate(customerId, invoice, now.customerId(), now.invoice());
            throw amountBelowPaid;
        }
        StoredInvoice stored = invoices.find(invoice.id()).orElseThrow();
        if (!stored.customerId().equals(customerId) || !stored.invoice().currency().equals(invoice.currency())) {
            checkUpdate(customerId, invoice, stored.customerId(), stored.invoice());
        }
        return new Written<>(stored, created);
    }

    private static void checkUpdate(String customerId, Invoice invoice, String owner, Invoice old) {
        if (!owner.equals(customerId)) {
            throw conflictOwner(invoice.id(), owner);
        }
        if (old.amountPaid().signum() > 0 && !old.currency().equals(invoice.currency())) {
            throw FactRejectedException.conflict("currency", "invoice " + invoice.id() + " has payments in "
                    + old.currency() + "; its currency cannot change to " + invoice.currency());
        }
        if (invoice.amount().compareTo(old.amountPaid()) < 0) {
            throw FactRejectedException.conflict("amount", "amount " + invoice.amount().toPlainString()
                    + " is less than the " + old.amountPaid().toPlainString() + " already paid on invoice "
                    + invoice.id());
        }
    }

    private static FactRejectedException conflictOwner(String invoiceId, String owner) {
        return FactRejectedException.conflict("customerId", "invoice " + invoiceId + " belongs to customer \"" + owner
                + "\"; an invoice never moves to another customer");
    }

    @Transactional
    public Written<Payment> recordPayment(String invoiceId, NewPayment payment) {
        StoredInvoice stored = invoices.findForUpdate(invoiceId)
                .orElseThrow(() -> new UnknownFactException("invoice", invoiceId));
        Invoice invoice = stored.invoice();
        if (payment.reference() != null) {
            var earlier = payments.paymentByReference(invoiceId, payment.reference());
            if (earlier.isPresent()) {
                return repeated(earlier.get(), payment);
            }
        }
        if (!invoice.currency().equals(payment.currency())) {
            throw FactRejectedException.invalid("currency", "payment in " + payment.currency() + " for invoice "
                    + invoiceId + " in " + invoice.currency() + "; payments must be in the invoice's currency");
        }
        BigDecimal outstanding = invoice.amount().subtract(invoice.amountPaid());
        if (payment.amount().compareTo(outstanding) > 0) {
            throw FactRejectedException.conflict("amount", "payment of " + payment.amount().toPlainString() + " "
                    + payment.currency() + " exceeds the " + outstanding.toPlainString() + " outstanding on invoice "
                    + invoiceId + "; overpayments are not accepted");
        }
        Instant now = clock.instant();
        long id = payments.addPayment(invoiceId, payment.amount(), payment.currency(),
                payment.paidAt() == null ? now : payment.paidAt(), payment.reference(), now);
        invoices.addPayment(invoiceId, payment.amount(), now);
        return new Written<>(payments.payment(id).orElseThrow(), true);
    }

    private static Written<Payment> repeated(Payment earlier, NewPayment payment) {
        if (earlier.amount().compareTo(payment.amount()) != 0 || !earlier.currency().equals(payment.currency())) {
            throw FactRejectedException.conflict("reference", "reference \"" + payment.reference()
                    + "\" was already used for a payment of " + earlier.amount().toPlainString() + " "
                    + earlier.currency());
        }
        return new Written<>(earlier, false);
    }

    @Transactional
    public Written<PaymentFailure> recordFailure(String invoiceId, NewFailure failure) {
        invoices.findForUpdate(invoiceId).orElseThrow(() -> new UnknownFactException("invoice", invoiceId));
        if (failure.reference() != null) {
            var earlier = payments.failureByReference(invoiceId, failure.reference());
            if (earlier.isPresent()) {
                if (!earlier.get().declineCode().equals(failure.declineCode())) {
                    throw FactRejectedException.conflict("reference", "reference \"" + failure.reference()
                            + "\" was already used for a failure with decline code " + earlier.get().declineCode());
                }
                return new Written<>(earlier.get(), false);
            }
        }
        Instant now = clock.instant();
        Instant failedAt = failure.failedAt() == null ? now : failure.failedAt();
        DeclineClass declineClass = declineCodes.classify(failure.declineCode());
        long id = payments.addFailure(invoiceId, failedAt, failure.declineCode(), declineClass, failure.amount(),
                failure.reference(), now);
        invoices.addFailure(invoiceId, failure.declineCode(), declineClass, failedAt, now);
        return new Written<>(payments.failure(id).orElseThrow(), true);
    }

    @Transactional
    public Written<StoredContact> recordContact(String customerId, ContactAttempt attempt, String reference) {
        requireCustomer(customerId);
        if (reference != null) {
            var earlier = contacts.byReference(customerId, reference);
            if (earlier.isPresent()) {
                return new Written<>(earlier.get(), false);
            }
        }
        long id = contacts.add(customerId, attempt, reference, clock.instant());
        return new Written<>(contacts.find(id).orElseThrow(), true);
    }

    /** A hold whose author is not recorded (demo data). */
    @Transactional
    public StoredHold addHold(String customerId, Hold hold, String reason) {
        return addHold(customerId, hold, reason, null);
    }

    /** Adds a hold, recording who added it ({@code by}: the API key's or the signed-in person's name). */
    @Transactional
    public StoredHold addHold(String customerId, Hold hold, String reason, String by) {
        requireCustomer(customerId);
        if (hold.invoiceId() != null) {
            String owner = invoices.find(hold.invoiceId()).map(StoredInvoice::customerId).orElse(null);
            if (!customerId.equals(owner)) {
                throw FactRejectedException.invalid("invoiceId", owner == null
                        ? "unknown invoice \"" + hold.invoiceId() + "\""
                        : "invoice " + hold.invoiceId() + " belongs to another customer");
            }
        }
        long id = holds.add(customerId, hold, reason, by, clock.instant());
        return holds.find(id).orElseThrow();
    }

    /** Ends a hold of this customer now, its ender unrecorded; ending an ended hold changes nothing. */
    @Transactional
    public StoredHold endHold(String customerId, long holdId) {
        return endHold(customerId, holdId, null);
    }

    /** Ends a hold of this customer now, recording who ended it; ending an ended hold changes nothing. */
    @Transactional
    public StoredHold endHold(String customerId, long holdId, String by) {
        StoredHold hold = holds.find(holdId)
                .filter(h -> Objects.equals(h.customerId(), customerId))
                .orElseThrow(() -> new UnknownFactException("hold of customer " + customerId, holdId));
        holds.end(holdId, by, clock.instant());
        return holds.find(hold.id()).orElseThrow();
    }

    private void requireCustomer(String customerId) {
        if (!customers.lock(customerId)) {
            throw new UnknownFactException("customer", customerId);
        }
    }
}
