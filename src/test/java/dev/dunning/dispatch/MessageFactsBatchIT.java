package dev.dunning.dispatch;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dunning.decision.Hold;
import dev.dunning.decision.HoldKind;
import dev.dunning.decision.Invoice;
import dev.dunning.decision.InvoiceStatus;
import dev.dunning.facts.ContactDetails;
import dev.dunning.facts.CustomerContactDetails;
import dev.dunning.facts.FactsService;
import dev.dunning.facts.FactsService.NewPayment;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A dispatcher's batch reads its message facts set-based ({@link MessageFacts.Loader#loadAll}); every entry must get
 * exactly the facts the single loader reads for it, whatever the customer: several invoices in several currencies and
 * states, invoices under a hold, another customer's invoice or an unknown one named, no invoice, no contact details, a
 * withdrawn address, ids that differ only in case, a customer gone.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "dunning.dispatch.scheduled=false")
class MessageFactsBatchIT {

    @Autowired
    FactsService facts;

    @Autowired
    CustomerContactDetails contactDetails;

    @Autowired
    MessageFacts.Loader loader;

    @Autowired
    Outbox outbox;

    @Test
    void aBatchGivesEveryEntryTheFactsTheSingleLoaderReads() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<OutboxEntry> entries = new ArrayList<>();

        // Several invoices in three currencies, in every state; the entry names them all, one of another customer's
        // and one that does not exist, in an order of its own.
        String many = customer("MF-many-" + run, true);
        invoice(many, anInvoice().id(many + "-EUR-open").amount("EUR", "100.00"));
        invoice(many, anInvoice().id(many + "-EUR-partly").amount("EUR", "250.00"));
        facts.recordPayment(many + "-EUR-partly", new NewPayment(new BigDecimal("50.00"), "EUR",
                Instant.parse("2025-03-01T10:00:00Z"), "PAY-" + run + "-1"));
        invoice(many, anInvoice().id(many + "-USD-open").amount("USD", "1234.56"));
        invoice(many, anInvoice().id(many + "-JPY-open").amount("JPY", "12000"));
        invoice(many, anInvoice().id(many + "-EUR-paid").amount("EUR", "80.00"));
        facts.recordPayment(many + "-EUR-paid", new NewPayment(new BigDecimal("80.00"), "EUR",
                Instant.parse("2025-03-02T10:00:00Z"), "PAY-" + run + "-2"));
        invoice(many, anInvoice().id(many + "-EUR-disputed").amount("EUR", "70.00").status(InvoiceStatus.DISPUTED));
        invoice(many, anInvoice().id(many + "-EUR-written-off").amount("EUR", "60.00")
                .status(InvoiceStatus.WRITTEN_OFF));
        String other = customer("MF-other-" + run, true);
        invoice(other, anInvoice().id(other + "-I1").amount("EUR", "10.00"));
        entries.add(entry(many, many + "-USD-open", many + "-EUR-paid", many + "-EUR-open", other + "-I1",
                "MF-unknown-" + run, many + "-EUR-partly", many + "-EUR-disputed", many + "-JPY-open",
                many + "-EUR-written-off"));
        // The same customer again in the batch, naming fewer invoices, one twice.
        entries.add(entry(many, many + "-JPY-open", many + "-JPY-open"));
        entries.add(entry(other, other + "-I1"));

        // Holds: a customer-wide promise to pay, and a dispute of one invoice (facts of a message ignore holds; the
        // decision weighed them).
        String held = customer("MF-held-" + run, true);
        invoice(held, anInvoice().id(held + "-I1").amount("GBP", "300.00"));
        invoice(held, anInvoice().id(held + "-I2").amount("GBP", "40.00"));
        facts.addHold(held, new Hold(HoldKind.PROMISE_TO_PAY, null, LocalDate.parse("2025-03-01"),
                LocalDate.parse("2025-04-01")), "promised");
        facts.addHold(held, new Hold(HoldKind.DISPUTE, held + "-I2", LocalDate.parse("2025-03-01"), null), "disputed");
        entries.add(entry(held, held + "-I1", held + "-I2"));

        // No invoice at all, and no contact details row.
        String bare = customer("MF-bare-" + run, false);
        entries.add(entry(bare));
        // An address withdrawn after a hard bounce.
        String bounced = customer("MF-bounced-" + run, true);
        invoice(bounced, anInvoice().id(bounced + "-I1").amount("EUR", "15.00"));
        contactDetails.withdrawEmail(bounced, bounced.toLowerCase() + "@customer.example", "550 no such user",
                Instant.parse("2025-03-05T08:00:00Z"));
        entries.add(entry(bounced, bounced + "-I1"));
        // Ids that differ only in case are different customers and invoices.
        String lower = customer("mf-case-" + run, true);
        String upper = customer("MF-CASE-" + run.toUpperCase(), false);
        invoice(lower, anInvoice().id("mf-case-inv-" + run).amount("EUR", "1.00"));
        invoice(upper, anInvoice().id("MF-CASE-INV-" + run.toUpperCase()).amount("EUR", "2.00"));
        entries.add(entry(lower, "mf-case-inv-" + run, "MF-CASE-INV-" + run.toUpperCase()));
        entries.add(entry(upper, "MF-CASE-INV-" + run.toUpperCase(), "mf-case-inv-" + run));

        MessageFacts.Loader.Batch batch = loader.loadAll(entries);

        for (OutboxEntry entry : entries) {
            assertThat(batch.of(entry)).as(entry.customerId() + " " + entry.invoiceIds()).isEqualTo(loader.load(entry));
        }
        // And what they are: the open ones of the customer's own, in the entry's order.
        MessageFacts first = batch.of(entries.get(0));
        assertThat(first.openInvoices()).extracting(Invoice::id).containsExactly(many + "-USD-open",
                many + "-EUR-open", many + "-EUR-partly", many + "-JPY-open");
        assertThat(first.totals()).containsExactly(Map.entry("USD", new BigDecimal("1234.56")),
                Map.entry("EUR", new BigDecimal("300.00")), Map.entry("JPY", new BigDecimal("12000")));
        assertThat(batch.of(entries.get(1)).openInvoices()).extracting(Invoice::id)
                .containsExactly(many + "-JPY-open", many + "-JPY-open");
        assertThat(batch.of(entries.get(3)).openInvoices()).extracting(Invoice::id)
                .containsExactly(held + "-I1", held + "-I2");
        assertThat(batch.of(entries.get(4)).details()).isEqualTo(ContactDetails.NONE);
        assertThat(batch.of(entries.get(4)).openInvoices()).isEmpty();
        assertThat(batch.of(entries.get(5)).details().usableEmail()).isEmpty();
        assertThat(batch.of(entries.get(6)).openInvoices()).extracting(Invoice::id)
                .containsExactly("mf-case-inv-" + run);
        assertThat(batch.of(entries.get(7)).customer().id()).isEqualTo(upper);
        assertThat(batch.of(entries.get(7)).details()).isEqualTo(ContactDetails.NONE);
    }

    @Test
    void aCustomerGoneSinceTheDecisionFailsForGoodInTheBatchAsAlone() {
        OutboxEntry gone = entry("MF-gone-" + UUID.randomUUID());
        String present = customer("MF-present-" + UUID.randomUUID().toString().substring(0, 8), true);
        MessageFacts.Loader.Batch batch = loader.loadAll(List.of(gone, entry(present)));

        assertThat(batch.of(entry(present)).customer().id()).isEqualTo(present);
        for (var read : List.<Runnable>of(() -> batch.of(gone), () -> loader.load(gone))) {
            assertThatThrownBy(read::run).isInstanceOfSatisfying(SendFailure.class, f -> {
                assertThat(f.permanent()).isTrue();
                assertThat(f).hasMessage("customer " + gone.customerId() + " no longer exists");
            });
        }
    }

    @Test
    void aBatchFindsTheLatestLaterEntryOfEachEntrysCustomer() {
        Fixtures fixtures = new Fixtures(facts);
        Fixtures.Customer twice = fixtures.englishCustomer();
        Fixtures.Customer once = fixtures.englishCustomer();
        Instant now = Instant.now();
        List<String> ofTwice = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            DispatchRequest request = Fixtures.reminder(twice, "FRIENDLY");
            outbox.insert(request, Route.EMAIL, OutboxStatus.PENDING, now);
            ofTwice.add(request.decisionId());
        }
        DispatchRequest alone = Fixtures.reminder(once, "FRIENDLY");
        outbox.insert(alone, Route.EMAIL, OutboxStatus.PENDING, now);
        List<OutboxEntry> entries = new ArrayList<>();
        for (String id : ofTwice) {
            entries.add(outbox.find(id).orElseThrow());
        }
        entries.add(outbox.find(alone.decisionId()).orElseThrow());

        assertThat(outbox.newerEntries(entries)).containsOnly(Map.entry(ofTwice.get(0), ofTwice.get(2)),
                Map.entry(ofTwice.get(1), ofTwice.get(2)));
        assertThat(outbox.newerEntries(entries.subList(1, 2))).containsOnly(Map.entry(ofTwice.get(1), ofTwice.get(2)));
    }

    private String customer(String id, boolean withDetails) {
        var customer = aCustomer().id(id).language("en").build();
        if (withDetails) {
            facts.upsertCustomer(customer, new ContactDetails(id.toLowerCase() + "@customer.example", "+4915112345678",
                    "1 Main St\nSpringfield", null, null));
        } else {
            facts.upsertCustomer(customer);
        }
        return id;
    }

    private void invoice(String customerId, dev.dunning.decision.TestData.InvoiceBuilder invoice) {
        facts.upsertInvoice(customerId, invoice.due("2025-02-01").build());
    }

    private static OutboxEntry entry(String customerId, String... invoiceIds) {
        Instant at = Instant.parse("2025-03-12T09:00:00Z");
        return new OutboxEntry(UUID.randomUUID().toString(), customerId, "REMINDER", "EMAIL", Route.EMAIL, "FRIENDLY",
                1, "reminder-friendly", List.of(invoiceIds), OutboxStatus.SENDING, at, at, 0, "test", null, null, null,
                null, null, null, null, at, at, null);
    }
}
