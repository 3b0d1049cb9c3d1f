package dev.dunning.rules;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static dev.dunning.decision.TestData.contact;
import static dev.dunning.decision.TestData.daysBeforeNow;
import static dev.dunning.decision.TestData.facts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.decision.Action;
import dev.dunning.decision.Channel;
import dev.dunning.decision.Decision;
import dev.dunning.decision.DeclineCodes;
import dev.dunning.decision.Outcome;
import dev.dunning.decision.Segment;
import dev.dunning.decision.TestData;
import dev.dunning.decision.TestData.CustomerBuilder;
import dev.dunning.decision.TestData.FactsBuilder;
import dev.dunning.decision.TraceEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * decision-tables/tone.csv: the wording by step and customer, first matching row wins. Softest for loyal, low-risk
 * customers; calls firm, final notices and everything from stage 5 formal; anything else that contacts the customer
 * neutral.
 */
class ToneTableTest {

    private static final String TABLE = "decision-tables/tone.csv";

    static RuleSet ruleSet;
    static DecisionEngine engine;

    @BeforeAll
    static void load() {
        ruleSet = new RuleSetLoader(new RuleSetCompiler(TestData.CLOCK)).load(Path.of("rules"), Path.of("decision-tables"));
        engine = new DecisionEngine(() -> ruleSet, TestData.CLOCK, DeclineCodes.shipped());
    }

    private static Decision decide(FactsBuilder facts) {
        return engine.evaluate(facts.build()).decision();
    }

    /** 1-based line of the CSV whose first cell is the policy reference. */
    private static int csvLine(String policy) {
        try {
            List<String> lines = Files.readAllLines(Path.of(TABLE));
            int found = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith(policy + ",")) {
                    assertThat(found).as("%s appears once in %s", policy, TABLE).isEqualTo(-1);
                    found = i + 1;
                }
            }
            assertThat(found).as("%s in %s", policy, TABLE).isPositive();
            return found;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Asserts the tone and that exactly this row of tone.csv chose it. */
    private static void assertTone(Decision d, String tone, String policy) {
        assertThat(d.getTone()).as(d.toString()).isEqualTo(tone);
        List<TraceEntry> deciding = d.getTrace().stream()
                .filter(t -> "tone".equals(t.group()) && !t.overridden())
                .toList();
        assertThat(deciding).singleElement().satisfies(t -> {
            assertThat(t.source()).isEqualTo(TABLE);
            assertThat(t.sheet()).isEqualTo("tone");
            assertThat(t.metadata()).containsEntry("policy", policy);
            assertThat(t.row()).isEqualTo(csvLine(policy));
            assertThat(t.effects()).containsExactly("tone " + tone);
        });
    }

    /**
     * A second reminder is due for consumers (from 14 days) and businesses (from 21): 22 days overdue, the first
     * reminder 12 days ago.
     */
    private static FactsBuilder secondReminder(CustomerBuilder customer, String amount) {
        return facts()
                .customer(customer)
                .invoice(anInvoice().id("I-1").amount("USD", amount).daysOverdue(22))
                .contact(contact(daysBeforeNow(12), Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED));
    }

    @Test
    void theFirstReminderToAConsumerIsFriendly() {
        Decision d = decide(facts().invoice(anInvoice().daysOverdue(3)));

        assertThat(d.getStage()).isEqualTo(1);
        assertTone(d, "FRIENDLY", "TON-01");
        assertThat(d.getTemplate()).isEqualTo("reminder-friendly");
        // the catch-all below matched as well, and changed nothing
        assertThat(d.getTrace()).anySatisfy(t -> {
            assertThat(t.metadata()).containsEntry("policy", "TON-10");
            assertThat(t.overridden()).isTrue();
        });
    }

    @Test
    void theFirstReminderToABusinessIsNeutral() {
        Decision d = decide(facts().customer(aCustomer().segment(Segment.SMALL_BUSINESS))
                .invoice(anInvoice().amount("USD", "900.00").daysOverdue(7)));

        assertThat(d.decidedAction()).isEqualTo(Action.REMINDER);
        assertThat(d.getStage()).isEqualTo(1);
        assertTone(d, "NEUTRAL", "TON-10");
        assertThat(d.getTemplate()).isEqualTo("reminder-neutral");
    }

    @ParameterizedTest(name = "second reminder, tenure {0} months, risk {1} -> {2} ({3})")
    @CsvSource({
        "24, 50, FRIENDLY, TON-02",
        "120, 0, FRIENDLY, TON-02",
        "23, 50, NEUTRAL,  TON-03",
        "24, 51, NEUTRAL,  TON-03",
        "6,  90, NEUTRAL,  TON-03"
    })
    void theSecondReminderStaysFriendlyOnlyForLoyalLowRiskCustomers(int tenure, int risk, String tone, String policy) {
        Decision d = decide(secondReminder(aCustomer().tenureMonths(tenure).risk(risk), "120.00"));

        assertThat(d.decidedAction()).isEqualTo(Action.REMINDER);
        assertThat(d.getStage()).isEqualTo(2);
        assertTone(d, tone, policy);
    }

    @Test
    void aLoyalLowRiskBusinessStaysFriendlyAtTheSecondReminderToo() {
        Decision d = decide(secondReminder(aCustomer().segment(Segment.ENTERPRISE).tenureMonths(36).risk(20), "900.00"));

        assertThat(d.getStage()).isEqualTo(2);
        assertTone(d, "FRIENDLY", "TON-02");
    }

    @Test
    void callsAreFirmEvenForLoyalCustomers() {
        Decision d = decide(facts()
                .customer(aCustomer().tenureMonths(60).risk(5))
                .invoice(anInvoice().daysOverdue(31))
                .contact(contact(daysBeforeNow(16), Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED))
                .contact(contact(daysBeforeNow(8), Channel.EMAIL, Action.REMINDER, 2, Outcome.DELIVERED)));

        assertThat(d.decidedAction()).isEqualTo(Action.PHONE_CALL);
        assertTone(d, "FIRM", "TON-06");
        assertThat(d.getTemplate()).isEqualTo("phone-call-firm");
    }

    @Test
    void finalNoticesAreFormal() {
        Decision d = decide(facts()
                .invoice(anInvoice().daysOverdue(46))
                .contact(contact(daysBeforeNow(15), Channel.PHONE, Action.PHONE_CALL, 3, Outcome.CONVERSATION)));

        assertThat(d.decidedAction()).isEqualTo(Action.FINAL_NOTICE);
        assertTone(d, "FORMAL", "TON-08");
        assertThat(d.getTemplate()).isEqualTo("final-notice-formal");
    }

    @Test
    void aRequestForANewPaymentMethodIsFriendlyForBusinessesToo() {
        Decision d = decide(facts().customer(aCustomer().segment(Segment.SMALL_BUSINESS))
                .invoice(anInvoice().amount("USD", "900.00").daysOverdue(2).failed(1, "expired_card")));

        assertThat(d.decidedAction()).isEqualTo(Action.UPDATE_PAYMENT_METHOD);
        assertTone(d, "FRIENDLY", "TON-04");
    }

    @Test
    void paymentPlanOffersAreFriendly() {
        Decision d = decide(facts()
                .invoice(anInvoice().amount("USD", "1500.00").daysOverdue(31))
                .contact(contact(daysBeforeNow(16), Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED))
                .contact(contact(daysBeforeNow(8), Channel.EMAIL, Action.REMINDER, 2, Outcome.DELIVERED)));

        assertThat(d.decidedAction()).isEqualTo(Action.OFFER_PAYMENT_PLAN);
        assertTone(d, "FRIENDLY", "TON-05");
    }

    @Test
    void fromStageFiveEverythingIsFormal() {
        // Consumer stage 5 is the service suspension (ESC-C5).
        Decision d = decide(facts()
                .invoice(anInvoice().daysOverdue(61))
                .contact(contact(daysBeforeNow(15), Channel.LETTER, Action.FINAL_NOTICE, 4, Outcome.SENT)));

        assertThat(d.decidedAction()).isEqualTo(Action.SUSPEND_SERVICE);
        assertThat(d.getStage()).isEqualTo(5);
        assertTone(d, "FORMAL", "TON-09");
    }

    @Test
    void aPaymentRetryHasNoWordingAtAll() {
        Decision d = decide(facts().invoice(anInvoice().daysOverdue(5).failed(1, "insufficient_funds")));

        assertThat(d.decidedAction()).isEqualTo(Action.RETRY_PAYMENT);
        assertThat(d.getTone()).isNull();
        assertThat(d.getTemplate()).isNull();
        assertThat(d.getTrace()).noneMatch(t -> TABLE.equals(t.source()));
    }

    @Test
    void nothingToSayWhenNothingIsDone() {
        Decision d = decide(facts().invoice(anInvoice().daysOverdue(2)));

        assertThat(d.decidedAction()).isEqualTo(Action.NO_ACTION);
        assertThat(d.getTone()).isNull();
        assertThat(d.getTrace()).noneMatch(t -> TABLE.equals(t.source()));
    }

    @Test
    void aCallThatBecomesALetterKeepsItsFirmTone() {
        Decision d = decide(facts()
                .customer(aCustomer().withoutConsent(Channel.PHONE))
                .invoice(anInvoice().daysOverdue(31))
                .contact(contact(daysBeforeNow(16), Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED))
                .contact(contact(daysBeforeNow(8), Channel.EMAIL, Action.REMINDER, 2, Outcome.DELIVERED)));

        assertThat(d.decidedAction()).isEqualTo(Action.REMINDER);
        assertThat(d.getChannel()).isEqualTo("LETTER");
        assertTone(d, "FIRM", "TON-06");
        assertThat(d.getTemplate()).isEqualTo("reminder-firm");
    }
}
