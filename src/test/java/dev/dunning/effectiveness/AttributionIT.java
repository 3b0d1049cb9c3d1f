package dev.dunning.effectiveness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dunning.database.TestDatabase;
import dev.dunning.decision.Complaint;
import dev.dunning.decision.DeclineCodes;
import dev.dunning.decision.DunningCase;
import dev.dunning.decision.Facts;
import dev.dunning.decision.Outcome;
import dev.dunning.decision.Segment;
import dev.dunning.dispatch.ContactEventType;
import dev.dunning.dispatch.DispatchService;
import dev.dunning.facts.FactRejectedException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Attribution on hand-built histories (docs/effectiveness.md): a payment within the window goes to the last contact
 * sent about its invoice before it, or else to the customer's last decision that had sent nothing; amounts per
 * currency. Each test works on days of its own, so that its figures are its own; the summaries are brought up to date
 * the way the schedule does, incrementally, between the steps of a history.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {HistoryTest.QUIET, HistoryTest.NO_DISPATCH, "dunning.effectiveness.batch-size=3"})
class AttributionIT extends HistoryTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase.freshDatabase("effect").register(registry);
    }

    @Autowired
    Figures figures;
    @Autowired
    Deliverability deliverability;
    @Autowired
    DispatchService dispatch;

    private static Instant at(String instant) {
        return Instant.parse(instant);
    }

    private Figures.Row total(Instant day) {
        LocalDate d = Histories.day(day);
        return figures.report(new Figures.Filter(d, d, null, null, null), Figures.Cut.NONE).total();
    }

    private Map<String, Figures.Row> by(Instant day, Figures.Cut cut) {
        LocalDate d = Histories.day(day);
        return figures.report(new Figures.Filter(d, d, null, null, null), cut).rows().stream()
                .collect(Collectors.toMap(Figures.Row::key, r -> r));
    }

    private static BigDecimal recovered(Figures.Row row, String currency) {
        return row.recovered().stream().filter(r -> r.currency().equals(currency)).map(Figures.Recovered::amount)
                .findFirst().orElse(BigDecimal.ZERO);
    }

    @Test
    void aPaymentWithinTheWindowCountsForTheContactAndOneAfterItDoesNot() {
        Instant sent = at("2024-01-10T09:00:00Z");
        String inside = histories.customer("IN", "EUR", Segment.CONSUMER, "de");
        String insideInvoice = histories.invoice(inside, "EUR", "120.00", LocalDate.parse("2023-12-20"));
        String outside = histories.customer("OUT", "EUR", Segment.CONSUMER, "de");
        String outsideInvoice = histories.invoice(outside, "EUR", "80.00", LocalDate.parse("2023-12-20"));
        String a = histories.contact(inside, sent, "REMINDER", "EMAIL", "FRIENDLY", "reminder-1",
                List.of(insideInvoice));
        String b = histories.contact(outside, sent, "REMINDER", "EMAIL", "FRIENDLY", "reminder-1",
                List.of(outsideInvoice));
        histories.send(a, sent);
        histories.send(b, sent);
        summaries.catchUp();
        assertThat(total(sent).paid()).isZero();

        histories.pay(insideInvoice, "120.00", "EUR", sent.plus(Duration.ofDays(10)));
        histories.pay(outsideInvoice, "80.00", "EUR", sent.plus(Duration.ofDays(14)).plusSeconds(1));
        summaries.catchUp();

        Figures.Row total = total(sent);
        assertThat(total.decisions()).isEqualTo(2);
        assertThat(total.contacts()).isEqualTo(2);
        assertThat(total.sent()).isEqualTo(2);
        assertThat(total.paid()).as("only the payment within 14 days counts").isEqualTo(1);
        assertThat(recovered(total, "EUR")).isEqualByComparingTo("120.00");
        assertThat(total.medianDaysToPayment()).isEqualTo(10.0);
        assertThat(total.paymentRate()).isEqualTo(0.5);
    }

    @Test
    void ofTwoContactsBeforeOnePaymentTheLastOneTakesItEvenWhenItIsSeenAfterThePayment() {
        Instant first = at("2024-02-05T09:00:00Z");
        Instant second = first.plus(Duration.ofDays(3));
        String customer = histories.customer("TWO", "EUR", Segment.SMALL_BUSINESS, "en");
        String invoice = histories.invoice(customer, "EUR", "500.00", LocalDate.parse("2024-01-20"));
        String email = histories.contact(customer, first, "REMINDER", "EMAIL", "FRIENDLY", "reminder-1",
                List.of(invoice));
        histories.send(email, first);
        String sms = histories.contact(customer, first, "REMINDER", "SMS", "FIRM", "reminder-2", List.of(invoice));
        // The billing system reports the payment of day 5 before the summaries learn that the SMS went out on day 3.
        histories.pay(invoice, "500.00", "EUR", first.plus(Duration.ofDays(5)));
        summaries.catchUp();
        assertThat(by(first, Figures.Cut.CHANNEL).get("EMAIL").paid()).isEqualTo(1);

        histories.send(sms, second);
        summaries.catchUp();

        Map<String, Figures.Row> byChannel = by(first, Figures.Cut.CHANNEL);
        assertThat(byChannel.get("EMAIL").paid()).as("the earlier contact loses the payment").isZero();
        assertThat(recovered(byChannel.get("EMAIL"), "EUR")).isEqualByComparingTo("0");
        assertThat(byChannel.get("SMS").paid()).isEqualTo(1);
        assertThat(recovered(byChannel.get("SMS"), "EUR")).isEqualByComparingTo("500.00");
        assertThat(byChannel.get("SMS").medianDaysToPayment()).as("days from the SMS, not from the e-mail")
                .isEqualTo(2.0);
        assertThat(total(first).paid()).isEqualTo(1);
        assertThat(total(first).medianDaysToPayment()).isEqualTo(2.0);
    }

    @Test
    void partialPaymentsCountWithTheirAmountAndTheFirstGivesTheDays() {
        Instant sent = at("2024-03-04T09:00:00Z");
        String customer = histories.customer("PART", "EUR", Segment.CONSUMER, "de");
        String invoice = histories.invoice(customer, "EUR", "100.00", LocalDate.parse("2024-02-20"));
        String contact = histories.contact(customer, sent, "REMINDER", "LETTER", "FIRM", "letter-1", List.of(invoice));
        histories.send(contact, sent);
        histories.pay(invoice, "40.00", "EUR", sent.plus(Duration.ofDays(2)));
        summaries.catchUp();
        assertThat(recovered(total(sent), "EUR")).isEqualByComparingTo("40.00");

        histories.pay(invoice, "35.50", "EUR", sent.plus(Duration.ofDays(6)));
        summaries.catchUp();

        Figures.Row total = total(sent);
        assertThat(total.paid()).as("one contact paid, in two parts").isEqualTo(1);
        assertThat(total.recovered()).singleElement().satisfies(r -> {
            assertThat(r.amount()).isEqualByComparingTo("75.50");
            assertThat(r.payments()).isEqualTo(2);
        });
        assertThat(total.medianDaysToPayment()).isEqualTo(2.0);
    }

    @Test
    void amountsInTwoCurrenciesAreKeptApart() {
        Instant sent = at("2024-04-08T09:00:00Z");
        String euro = histories.customer("EUR", "EUR", Segment.CONSUMER, "de");
        String euroInvoice = histories.invoice(euro, "EUR", "200.00", LocalDate.parse("2024-03-20"));
        String pound = histories.customer("GBP", "GBP", Segment.CONSUMER, "en");
        String poundInvoice = histories.invoice(pound, "GBP", "300.00", LocalDate.parse("2024-03-20"));
        String a = histories.contact(euro, sent, "REMINDER", "EMAIL", "FRIENDLY", "reminder-1", List.of(euroInvoice));
        String b = histories.contact(pound, sent, "REMINDER", "EMAIL", "FRIENDLY", "reminder-1", List.of(poundInvoice));
        histories.send(a, sent);
        histories.send(b, sent);
        histories.pay(euroInvoice, "200.00", "EUR", sent.plus(Duration.ofDays(1)));
        histories.pay(poundInvoice, "300.00", "GBP", sent.plus(Duration.ofDays(3)));
        summaries.catchUp();

        Figures.Row total = total(sent);
        assertThat(total.recovered()).extracting(Figures.Recovered::currency).containsExactly("EUR", "GBP");
        assertThat(recovered(total, "EUR")).isEqualByComparingTo("200.00");
        assertThat(recovered(total, "GBP")).isEqualByComparingTo("300.00");
        LocalDate d = Histories.day(sent);
        Figures.Row pounds = figures.report(new Figures.Filter(d, d, null, null, "GBP"), Figures.Cut.NONE).total();
        assertThat(pounds.decisions()).isEqualTo(1);
        assertThat(pounds.recovered()).extracting(Figures.Recovered::currency).containsExactly("GBP");
        assertThat(by(sent, Figures.Cut.CURRENCY).keySet()).containsExactlyInAnyOrder("EUR", "GBP");
    }

    @Test
    void aPaymentWhileOnHoldCountsForTheHoldAndAWaitLongBeforeAPaymentDoesNot() {
        Instant decided = at("2024-05-06T09:00:00Z");
        String held = histories.customer("HOLD", "EUR", Segment.CONSUMER, "de");
        String heldInvoice = histories.invoice(held, "EUR", "90.00", LocalDate.parse("2024-04-20"));
        String waiting = histories.customer("WAIT", "EUR", Segment.CONSUMER, "de");
        String waitingInvoice = histories.invoice(waiting, "EUR", "60.00", LocalDate.parse("2024-04-20"));
        histories.decide(held, decided, "HOLD", "NONE", null, null, List.of(heldInvoice), "HLD-01");
        histories.decide(waiting, decided, "NO_ACTION", "NONE", null, null, List.of(waitingInvoice));
        histories.pay(heldInvoice, "90.00", "EUR", decided.plus(Duration.ofDays(4)));
        histories.pay(waitingInvoice, "60.00", "EUR", decided.plus(Duration.ofDays(20)));
        summaries.catchUp();

        Map<String, Figures.Row> byAction = by(decided, Figures.Cut.ACTION);
        assertThat(byAction.get("HOLD").contacts()).isZero();
        assertThat(byAction.get("HOLD").paid()).as("paid while on hold").isEqualTo(1);
        assertThat(recovered(byAction.get("HOLD"), "EUR")).isEqualByComparingTo("90.00");
        assertThat(byAction.get("NO_ACTION").paid()).as("20 days is outside the window").isZero();
        assertThat(by(decided, Figures.Cut.POLICY).get("HLD-01").paid()).isEqualTo(1);
    }

    @Test
    void outcomesCountOnceAsTheyMoveOnAndTheFunnelIsCumulative() {
        Instant sent = at("2024-06-03T09:00:00Z");
        String customer = histories.customer("FUN", "EUR", Segment.ENTERPRISE, "fr");
        List<String> ids = List.of(histories.invoice(customer, "EUR", "10.00", LocalDate.parse("2024-05-20")));
        String delivered = histories.contact(customer, sent, "REMINDER", "EMAIL", "FRIENDLY", "r", ids, "ESC-1");
        String opened = histories.contact(customer, sent, "REMINDER", "EMAIL", "FRIENDLY", "r", ids, "ESC-1");
        String replied = histories.contact(customer, sent, "REMINDER", "EMAIL", "FRIENDLY", "r", ids, "ESC-2");
        String bounced = histories.contact(customer, sent, "REMINDER", "EMAIL", "FRIENDLY", "r", ids, "ESC-2");
        String dead = histories.contact(customer, sent, "REMINDER", "SMS", "FRIENDLY", "r", ids, "ESC-2");
        histories.contact(customer, sent, "REMINDER", "LETTER", "FRIENDLY", "r", ids, "ESC-2"); // still pending
        for (String id : List.of(delivered, opened, replied, bounced)) {
            histories.send(id, sent);
        }
        histories.die(dead, sent);
        summaries.catchUp();
        histories.outcome(delivered, "DELIVERED");
        histories.outcome(opened, "DELIVERED");
        histories.outcome(replied, "OPENED");
        summaries.catchUp();
        histories.outcome(opened, "OPENED");
        histories.outcome(replied, "REPLIED");
        histories.outcome(bounced, "BOUNCED");
        summaries.catchUp();

        Figures.Row total = total(sent);
        assertThat(List.of(total.decisions(), total.contacts(), total.sent(), total.delivered(), total.opened(),
                total.replied(), total.bounced(), total.failed())).containsExactly(6L, 6L, 4L, 3L, 2L, 1L, 1L, 1L);
        assertThat(total.bounceRate()).isEqualTo(0.25);
        Map<String, Figures.Row> byPolicy = by(sent, Figures.Cut.POLICY);
        assertThat(byPolicy.get("ESC-1").decisions()).isEqualTo(2);
        assertThat(byPolicy.get("ESC-2").decisions()).isEqualTo(4);
        assertThat(byPolicy.get("ESC-2").bounced()).isEqualTo(1);
    }

    @Test
    void aComplaintCountsOnItsOwnBesideTheOutcomeOncePerMessage() {
        Instant sent = at("2024-06-10T09:00:00Z");
        String customer = histories.customer("CPL", "EUR", Segment.CONSUMER, "de");
        List<String> ids = List.of(histories.invoice(customer, "EUR", "10.00", LocalDate.parse("2024-05-20")));
        String spam = histories.contact(customer, sent, "REMINDER", "EMAIL", "FRIENDLY", "mail-1", ids, "ESC-1");
        String bounced = histories.contact(customer, sent, "REMINDER", "EMAIL", "FRIENDLY", "mail-1", ids, "ESC-1");
        String quiet = histories.contact(customer, sent, "REMINDER", "EMAIL", "FRIENDLY", "mail-1", ids, "ESC-1");
        String stop = histories.contact(customer, sent, "REMINDER", "SMS", "FIRM", "sms-1", ids, "ESC-2");
        String pending = histories.contact(customer, sent, "REMINDER", "SMS", "FIRM", "sms-1", ids, "ESC-2");
        for (String id : List.of(spam, bounced, quiet, stop)) {
            histories.send(id, sent);
        }
        histories.outcome(spam, "OPENED");
        histories.outcome(bounced, "BOUNCED");
        summaries.catchUp();

        var first = dispatch.record(spam, ContactEventType.COMPLAINED, false, Complaint.SPAM_REPORT, "ARF report");
        var again = dispatch.record(spam, ContactEventType.COMPLAINED, false, Complaint.CUSTOMER, "called too");
        dispatch.record(bounced, ContactEventType.COMPLAINED, false, Complaint.CUSTOMER, null);
        dispatch.record(stop, ContactEventType.COMPLAINED, false, Complaint.STOP_REPLY, "STOP");
        summaries.catchUp();

        // The outcome stays where the delivery events put it; the first complaint of a message is the one kept.
        assertThat(first.contact().attempt().outcome()).isEqualTo(Outcome.OPENED);
        assertThat(again.contact().attempt().complaint()).isEqualTo(Complaint.SPAM_REPORT);
        assertThatThrownBy(() -> dispatch.record(pending, ContactEventType.COMPLAINED, false, Complaint.CUSTOMER,
                null)).isInstanceOf(FactRejectedException.class).hasMessageContaining("has not been sent");
        assertThatThrownBy(() -> dispatch.record(quiet, ContactEventType.COMPLAINED, false, null, null))
                .isInstanceOf(FactRejectedException.class).hasMessageContaining("SPAM_REPORT");

        Figures.Row total = total(sent);
        assertThat(List.of(total.sent(), total.delivered(), total.opened(), total.bounced(), total.complaints()))
                .containsExactly(4L, 1L, 1L, 1L, 3L);
        assertThat(total.complaintRate()).isEqualTo(0.75);
        Map<String, Figures.Row> byChannel = by(sent, Figures.Cut.CHANNEL);
        assertThat(byChannel.get("EMAIL").complaints()).isEqualTo(2);
        assertThat(byChannel.get("EMAIL").complaintRate()).isEqualTo(0.6667);
        assertThat(byChannel.get("SMS").complaintRate()).isEqualTo(1.0);
        LocalDate d = Histories.day(sent);
        var report = deliverability.report(new Figures.Filter(d, d, null, null, null));
        assertThat(report.byTemplate()).filteredOn(r -> r.key().equals("sms-1")).singleElement()
                .satisfies(r -> assertThat(r.complaints()).isEqualTo(1));

        // The next decision sees them: three contacts that drew a complaint.
        Facts loaded = customerFacts.load(customer, sent.plusSeconds(3_600)).orElseThrow();
        DunningCase dunningCase = DunningCase.derive(loaded, Clock.fixed(sent.plusSeconds(3_600), ZoneOffset.UTC),
                DeclineCodes.shipped());
        assertThat(dunningCase.getComplaints()).isEqualTo(3);
        assertThat(dunningCase.isComplainingRepeatedly()).isTrue();
    }

    @Test
    void aDecisionCountsUnderTheSegmentAndLanguageItWasMadeInAfterTheCustomerMoves() {
        Instant at = at("2024-06-17T09:00:00Z");
        String customer = histories.customer("MOV", "EUR", Segment.SMALL_BUSINESS, "nl");
        List<String> ids = List.of(histories.invoice(customer, "EUR", "10.00", LocalDate.parse("2024-05-20")));
        histories.decide(customer, at, "HOLD", "NONE", null, null, ids);
        // The customer moves to another segment and language before the summary job sees the decision.
        facts.upsertCustomer(dev.dunning.decision.TestData.aCustomer().id(customer).segment(Segment.ENTERPRISE)
                .in("DE", "Europe/Berlin", "EUR").language("fr").build());
        summaries.catchUp();
        // A decision after the move counts under the new ones.
        histories.decide(customer, at.plusSeconds(60), "HOLD", "NONE", null, null, ids);
        summaries.catchUp();

        LocalDate d = Histories.day(at);
        assertThat(figures.report(new Figures.Filter(d, d, null, "SMALL_BUSINESS", null), Figures.Cut.LANGUAGE)
                .rows()).singleElement()
                .satisfies(r -> assertThat(List.of(r.key(), r.decisions())).containsExactly("nl", 1L));
        assertThat(figures.report(new Figures.Filter(d, d, null, "ENTERPRISE", null), Figures.Cut.LANGUAGE)
                .rows()).singleElement()
                .satisfies(r -> assertThat(List.of(r.key(), r.decisions())).containsExactly("fr", 1L));
        assertThat(by(at, Figures.Cut.SEGMENT).keySet()).containsExactlyInAnyOrder("SMALL_BUSINESS", "ENTERPRISE");
    }

    @Test
    void twoPassesAtOnceCountEveryDecisionOnce() throws Exception {
        Instant sent = at("2024-07-01T09:00:00Z");
        String customer = histories.customer("PAR", "EUR", Segment.CONSUMER, "de");
        List<String> ids = List.of(histories.invoice(customer, "EUR", "10.00", LocalDate.parse("2024-06-20")));
        for (int i = 0; i < 20; i++) {
            histories.send(histories.contact(customer, sent, "REMINDER", "EMAIL", "FRIENDLY", "r", ids), sent);
        }
        histories.pay(ids.get(0), "10.00", "EUR", sent.plus(Duration.ofHours(5)));
        var one = CompletableFuture.supplyAsync(summaries::catchUp);
        var two = CompletableFuture.supplyAsync(summaries::catchUp);
        one.get();
        two.get();

        Figures.Row total = total(sent);
        assertThat(total.decisions()).isEqualTo(20);
        assertThat(total.sent()).isEqualTo(20);
        assertThat(total.paid()).isEqualTo(1);
        assertThat(recovered(total, "EUR")).isEqualByComparingTo("10.00");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM effect_changes").query(Long.class).single()).isZero();
    }
}
