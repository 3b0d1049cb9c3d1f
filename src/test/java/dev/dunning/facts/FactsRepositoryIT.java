package dev.dunning.facts;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.database.TestDatabase;
import dev.dunning.decision.Action;
import dev.dunning.decision.Channel;
import dev.dunning.decision.ContactAttempt;
import dev.dunning.decision.Customer;
import dev.dunning.decision.DeclineClass;
import dev.dunning.decision.Hold;
import dev.dunning.decision.HoldKind;
import dev.dunning.decision.Invoice;
import dev.dunning.decision.InvoiceStatus;
import dev.dunning.decision.Outcome;
import dev.dunning.decision.Segment;
import dev.dunning.facts.FactsService.NewFailure;
import dev.dunning.facts.FactsService.NewPayment;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** Every fact written to the real MariaDB reads back as it was written: amounts at scale, instants, dates. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FactsRepositoryIT {

    /** Microseconds: what DATETIME(6) keeps. */
    static final Instant PAID_AT = Instant.parse("2025-03-12T05:30:00.123456Z");

    @Autowired
    FactsService facts;

    @Autowired
    Customers customers;

    @Autowired
    Invoices invoices;

    @Autowired
    Payments payments;

    @Autowired
    Contacts contacts;

    @Autowired
    Holds holds;

    @Autowired
    CustomerFacts customerFacts;

    @Autowired
    JdbcClient jdbc;

    String customer;
    int invoiceCount;

    @BeforeEach
    void customer() {
        customer = "REPO-" + UUID.randomUUID();
        facts.upsertCustomer(aCustomer().id(customer).in("DE", "Europe/Berlin", "EUR").build());
    }

    @Test
    void customerRoundTrip() {
        Customer written = new Customer(customer, "Müller & Söhne GmbH", Segment.SMALL_BUSINESS, "DE", "de",
                "Europe/Berlin", "EUR", 77, 130,
                Map.of(Channel.EMAIL, true, Channel.SMS, false, Channel.PHONE, false, Channel.LETTER, true), true, true,
                true);

        Written<Customer> result = facts.upsertCustomer(written);

        assertThat(result.created()).isFalse();
        assertThat(customers.find(customer)).contains(written);
    }

    @Test
    void invoiceRoundTrip() {
        Invoice written = new Invoice(customer + "-I", "2025-0815", "EUR", new BigDecimal("1234.56"), BigDecimal.ZERO,
                LocalDate.parse("2025-01-31"), LocalDate.parse("2025-03-02"), InvoiceStatus.DISPUTED, "SEPA_DEBIT", 0,
                null, null, null);

        assertThat(facts.upsertInvoice(customer, written).created()).isTrue();

        StoredInvoice stored = invoices.find(written.id()).orElseThrow();
        assertThat(stored.customerId()).isEqualTo(customer);
        assertThat(stored.invoice()).usingRecursiveComparison().withComparatorForType(BigDecimal::compareTo,
                BigDecimal.class).isEqualTo(written);
        assertThat(stored.invoice().amount()).isEqualTo(new BigDecimal("1234.56"));
    }

    @Test
    void paymentRoundTrip() {
        String invoice = invoice("EUR", "100.00");

        Payment payment = facts.recordPayment(invoice, new NewPayment(new BigDecimal("40.5"), "EUR", PAID_AT,
                "pay-1")).value();

        assertThat(payments.payment(payment.id())).contains(new Payment(payment.id(), invoice,
                new BigDecimal("40.50"), "EUR", PAID_AT, "pay-1", payment.recordedAt()));
        assertThat(invoices.find(invoice).orElseThrow().invoice().amountPaid()).isEqualTo(new BigDecimal("40.50"));
    }

    @Test
    void paymentFailureRoundTrip() {
        String invoice = invoice("EUR", "100.00");

        PaymentFailure failure = facts.recordFailure(invoice, new NewFailure(PAID_AT, "expired_card",
                new BigDecimal("100.00"), "f-1")).value();

        assertThat(payments.failure(failure.id())).hasValueSatisfying(f -> {
            assertThat(f.failedAt()).isEqualTo(PAID_AT);
            assertThat(f.declineCode()).isEqualTo("expired_card");
            assertThat(f.declineClass()).isEqualTo(DeclineClass.HARD);
            assertThat(f.amount()).isEqualByComparingTo("100");
            assertThat(f.reference()).isEqualTo("f-1");
        });
        Invoice after = invoices.find(invoice).orElseThrow().invoice();
        assertThat(after.failedAttempts()).isEqualTo(1);
        assertThat(after.lastDeclineClass()).isEqualTo(DeclineClass.HARD);
        assertThat(after.lastFailureAt()).isEqualTo(PAID_AT);
    }

    @Test
    void contactRoundTrip() {
        ContactAttempt written = new ContactAttempt(PAID_AT, Channel.SMS, Action.REMINDER, 2, Outcome.BOUNCED);

        StoredContact stored = facts.recordContact(customer, written, "sms-1").value();

        assertThat(contacts.find(stored.id())).hasValueSatisfying(c -> {
            assertThat(c.attempt()).isEqualTo(written);
            assertThat(c.reference()).isEqualTo("sms-1");
        });
    }

    @Test
    void holdRoundTrip() {
        String invoice = invoice("EUR", "10.00");
        Hold written = new Hold(HoldKind.DISPUTE, invoice, LocalDate.parse("2025-02-28"), LocalDate.parse("2025-03-31"));

        StoredHold stored = facts.addHold(customer, written, "customer says not delivered");

        assertThat(holds.find(stored.id())).hasValueSatisfying(h -> {
            assertThat(h.hold()).isEqualTo(written);
            assertThat(h.reason()).isEqualTo("customer says not delivered");
            assertThat(h.ended()).isFalse();
        });
    }

    @Test
    void amountsReadBackAtTheirCurrencysScale() {
        assertThat(amountOf(invoice("JPY", "1200"))).isEqualTo(new BigDecimal("1200"));
        assertThat(amountOf(invoice("EUR", "10.5"))).isEqualTo(new BigDecimal("10.50"));
        assertThat(amountOf(invoice("BHD", "10.125"))).isEqualTo(new BigDecimal("10.125"));
        assertThat(amountOf(invoice("CLF", "1.0001"))).isEqualTo(new BigDecimal("1.0001"));
        assertThat(amountOf(invoice("USD", "999999999999999.99"))).isEqualTo(new BigDecimal("999999999999999.99"));
    }

    /**
     * A JVM and a database session both in far-off zones write; the application (UTC) reads the same instant, the
     * column holds UTC, and calendar dates do not move by a day.
     */
    @Test
    void instantsAndDatesDoNotDependOnTheWritersTimeZone() {
        TimeZone before = TimeZone.getDefault();
        String invoiceId = customer + "-TZ";
        long contactId;
        long holdId;
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati")); // UTC+14
            TestDatabase.Connection db = TestDatabase.connection();
            String url = db.url() + (db.url().contains("?") ? "&" : "?") + "sessionVariables=time_zone='-10:00'";
            JdbcClient elsewhere = JdbcClient.create(new DriverManagerDataSource(url, db.user(), db.password()));
            assertThat(elsewhere.sql("SELECT @@session.time_zone").query(String.class).single()).isEqualTo("-10:00");

            new Invoices(elsewhere).upsert(customer, anInvoice().id(invoiceId).amount("EUR", "10.00")
                    .due("2025-03-31").build(), PAID_AT);
            contactId = new Contacts(elsewhere).add(customer, new ContactAttempt(PAID_AT, Channel.EMAIL, null, null,
                    Outcome.SENT), null, PAID_AT);
            holdId = new Holds(elsewhere).add(customer, new Hold(HoldKind.MANUAL, null, LocalDate.parse("2025-03-01"),
                    LocalDate.parse("2025-03-02")), null, null, PAID_AT);
            // Read back in the same odd zones too.
            assertThat(new Contacts(elsewhere).find(contactId).orElseThrow().attempt().at()).isEqualTo(PAID_AT);
        } finally {
            TimeZone.setDefault(before);
        }
        assertThat(contacts.find(contactId).orElseThrow().attempt().at()).isEqualTo(PAID_AT);
        assertThat(jdbc.sql("SELECT CAST(contacted_at AS CHAR) FROM contact_attempts WHERE id = ?").param(contactId)
                .query(String.class).single()).isEqualTo("2025-03-12 05:30:00.123456");
        StoredInvoice invoice = invoices.find(invoiceId).orElseThrow();
        assertThat(invoice.invoice().issueDate()).isEqualTo(LocalDate.parse("2025-03-01"));
        assertThat(invoice.invoice().dueDate()).isEqualTo(LocalDate.parse("2025-03-31"));
        assertThat(invoice.createdAt()).isEqualTo(PAID_AT);
        assertThat(holds.find(holdId).orElseThrow().hold().from()).isEqualTo(LocalDate.parse("2025-03-01"));
        assertThat(holds.find(holdId).orElseThrow().hold().until()).isEqualTo(LocalDate.parse("2025-03-02"));
    }

    @Test
    void anEndedHoldStaysStoredButNoLongerReachesDecisions() {
        StoredHold hold = facts.addHold(customer, new Hold(HoldKind.PROMISE_TO_PAY, null, LocalDate.parse("2025-01-01"),
                null), "promised");
        Instant beforeEnd = Instant.now().minusSeconds(60);

        StoredHold ended = facts.endHold(customer, hold.id());
        StoredHold endedAgain = facts.endHold(customer, hold.id());

        assertThat(ended.endedAt()).isNotNull();
        assertThat(endedAgain.endedAt()).isEqualTo(ended.endedAt());
        assertThat(holds.ofCustomer(customer)).extracting(StoredHold::id).containsExactly(hold.id());
        assertThat(customerFacts.load(customer, beforeEnd).orElseThrow().holds()).hasSize(1);
        assertThat(customerFacts.load(customer, ended.endedAt().plusSeconds(1)).orElseThrow().holds()).isEmpty();
    }

    private String invoice(String currency, String amount) {
        String id = customer + "-" + currency + "-" + (++invoiceCount);
        facts.upsertInvoice(customer, anInvoice().id(id).amount(currency, amount).build());
        return id;
    }

    private BigDecimal amountOf(String invoiceId) {
        return invoices.find(invoiceId).orElseThrow().invoice().amount();
    }
}
