package dev.dunning.dispatch;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;

import dev.dunning.decision.TestData.CustomerBuilder;
import dev.dunning.facts.ContactDetails;
import dev.dunning.facts.FactsService;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Customers, invoices and dispatch requests for the dispatch tests, each with ids of its own. */
final class Fixtures {

    private static final AtomicLong SEQ = new AtomicLong();

    private final FactsService facts;

    Fixtures(FactsService facts) {
        this.facts = facts;
    }

    /** A customer with e-mail, mobile and postal address and one invoice of 1,234.50 (due 2025-03-05). */
    Customer customer(CustomerBuilder builder, String currency) {
        String id = "DSP-" + SEQ.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
        String email = id.toLowerCase() + "@customer.example";
        facts.upsertCustomer(builder.id(id).build(), new ContactDetails(email, "+4915112345678",
                "Ada Example\nMusterstraße 1\n10115 Berlin", null, null));
        String invoice = id + "-I1";
        facts.upsertInvoice(id, anInvoice().id(invoice).amount(currency, "1234.50").due("2025-03-05").build());
        return new Customer(id, email, invoice);
    }

    Customer englishCustomer() {
        return customer(aCustomer().language("en"), "USD");
    }

    record Customer(String id, String email, String invoiceId) {}

    /** A decision for the customer as the decision service would hand it over, made now. */
    static DispatchRequest request(Customer c, String action, String channel, String tone, int stage,
            Instant notBefore, boolean approval) {
        String id = com.github.f4b6a3.uuid.UuidCreator.getTimeOrderedEpoch().toString();
        String template = tone == null ? null : (action + "-" + tone).toLowerCase().replace('_', '-');
        String json = "{\"decisionId\":\"" + id + "\",\"customerId\":\"" + c.id() + "\",\"action\":\"" + action
                + "\",\"invoiceIds\":[\"" + c.invoiceId() + "\"]}";
        return new DispatchRequest(id, c.id(), Instant.now(), action, channel, tone, stage, template,
                List.of(c.invoiceId()), notBefore, approval, "0".repeat(64), json);
    }

    static DispatchRequest reminder(Customer c, String tone) {
        return request(c, "REMINDER", "EMAIL", tone, 1, null, false);
    }
}
