package dev.dunning.rules;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static dev.dunning.decision.TestData.contact;
import static dev.dunning.decision.TestData.daysBeforeNow;
import static dev.dunning.decision.TestData.dispute;
import static dev.dunning.decision.TestData.facts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.decision.Action;
import dev.dunning.decision.Channel;
import dev.dunning.decision.Decision;
import dev.dunning.decision.DeclineClass;
import dev.dunning.decision.DeclineCodes;
import dev.dunning.decision.Outcome;
import dev.dunning.decision.Segment;
import dev.dunning.decision.TestData;
import dev.dunning.decision.TestData.FactsBuilder;
import dev.dunning.decision.TraceEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.usermodel.WorkbookFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * decision-tables/escalation.xlsx: the Ladder (worst step first, first match wins, per currency) and Payment failures
 * (before the ladder). Today is 2025-03-12 in Los Angeles; invoices are in USD unless said otherwise.
 */
class EscalationTableTest {

    private static final String TABLE = "decision-tables/escalation.xlsx";
    private static final String OTHER_CURRENCIES = "\"EUR\", \"USD\", \"GBP\"";
    private static final LocalDate TODAY = LocalDate.of(2025, 3, 12);

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

    /** 1-based row of the only row of the sheet whose cells include all the given values. */
    private static int sheetRow(String sheet, String... cells) {
        try (InputStream in = Files.newInputStream(Path.of(TABLE)); Workbook wb = WorkbookFactory.create(in)) {
            DataFormatter f = new DataFormatter();
            List<Integer> rows = new ArrayList<>();
            for (Row row : wb.getSheet(sheet)) {
                List<String> values = new ArrayList<>();
                row.forEach(c -> values.add(f.formatCellValue(c).trim()));
                if (values.containsAll(Arrays.asList(cells))) {
                    rows.add(row.getRowNum() + 1);
                }
            }
            assertThat(rows).as("rows of %s!%s holding %s", TABLE, sheet, Arrays.toString(cells)).hasSize(1);
            return rows.get(0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The escalation row that decided: the only proposal of the escalation file that was not overridden. */
    private static TraceEntry decidingRow(Decision d) {
        List<TraceEntry> rows = d.getTrace().stream()
                .filter(t -> TABLE.equals(t.source()) && !t.overridden())
                .toList();
        assertThat(rows).as("deciding row of %s in %s", TABLE, d.getTrace()).hasSize(1);
        TraceEntry t = rows.get(0);
        assertThat(t.group()).isEqualTo("escalation");
        return t;
    }

    private static void assertDecidedBy(Decision d, String sheet, String policy, String... cells) {
        TraceEntry t = decidingRow(d);
        assertThat(t.sheet()).isEqualTo(sheet);
        assertThat(t.metadata()).containsEntry("policy", policy);
        String[] all = new String[cells.length + 1];
        all[0] = policy;
        System.arraycopy(cells, 0, all, 1, cells.length);
        assertThat(t.row()).isEqualTo(sheetRow(sheet, all));
    }

    private static boolean noLadderStep(Decision d) {
        return d.getTrace().stream().noneMatch(t -> TABLE.equals(t.source()) && !t.overridden());
    }

    private static TestData.CustomerBuilder customer(Segment segment) {
        return aCustomer().segment(segment);
    }

    /** A customer of the segment, so many days overdue, who reached the stage in this episode {@code days - 1} days ago. */
    private static FactsBuilder overdue(Segment segment, String amount, int days, int stageReached) {
        FactsBuilder f = facts().customer(customer(segment)).invoice(anInvoice().id("I-1").amount("USD", amount)
                .daysOverdue(days));
        if (stageReached > 0) {
            f.contact(contact(daysBeforeNow(days - 1), Channel.EMAIL, Action.REMINDER, stageReached, Outcome.DELIVERED));
        }
        return f;
    }

    @Nested
    class Ladder {

        @ParameterizedTest(name = "{0}: stage {1} reached, {2} days overdue -> {3} stage {4} ({6})")
        @CsvSource({
            "CONSUMER,       0,  3, REMINDER,            1,  7, ESC-C1, 120.00",
            "CONSUMER,       1, 14, REMINDER,            2,  7, ESC-C2, 120.00",
            "CONSUMER,       2, 30, PHONE_CALL,          3,  7, ESC-C3, 120.00",
            "CONSUMER,       3, 45, FINAL_NOTICE,        4, 14, ESC-C4, 120.00",
            "CONSUMER,       4, 60, SUSPEND_SERVICE,     5, 14, ESC-C5, 120.00",
            "CONSUMER,       5, 90, COLLECTION_HANDOVER, 6, 14, ESC-C6, 120.00",
            "SMALL_BUSINESS, 0,  7, REMINDER,            1, 10, ESC-B1, 900.00",
            "SMALL_BUSINESS, 1, 21, REMINDER,            2, 10, ESC-B2, 900.00",
            "SMALL_BUSINESS, 2, 35, PHONE_CALL,          3, 10, ESC-B3, 900.00",
            "SMALL_BUSINESS, 3, 50, FINAL_NOTICE,        4, 14, ESC-B4, 900.00",
            "SMALL_BUSINESS, 4, 80, COLLECTION_HANDOVER, 5, 14, ESC-B5, 900.00",
            "ENTERPRISE,     0,  7, REMINDER,            1, 10, ESC-B1, 900.00",
            "ENTERPRISE,     1, 21, REMINDER,            2, 10, ESC-B2, 900.00",
            "ENTERPRISE,     2, 35, PHONE_CALL,          3, 10, ESC-B3, 900.00",
            "ENTERPRISE,     3, 50, FINAL_NOTICE,        4, 14, ESC-B4, 900.00",
            "ENTERPRISE,     4, 80, COLLECTION_HANDOVER, 5, 14, ESC-B5, 900.00",
            "PUBLIC_SECTOR,  0, 14, REMINDER,            1, 14, ESC-P1, 5000.00",
            "PUBLIC_SECTOR,  1, 30, REMINDER,            2, 14, ESC-P2, 5000.00",
            "PUBLIC_SECTOR,  2, 45, PHONE_CALL,          3, 14, ESC-P3, 5000.00",
            "PUBLIC_SECTOR,  3, 60, FINAL_NOTICE,        4, 14, ESC-P4, 5000.00",
            "PUBLIC_SECTOR,  4, 90, MANUAL_REVIEW,       5, 14, ESC-P5, 5000.00"
        })
        void takesTheNextStepOfTheSegmentsLadderFromItsFirstDay(
                Segment segment, int reached, int days, Action action, int stage, int interval, String policy,
                String amount) {
            Decision d = decide(overdue(segment, amount, days, reached));

            assertThat(d.decidedAction()).as(d.toString()).isEqualTo(action);
            assertThat(d.getStage()).isEqualTo(stage);
            assertThat(d.getDaysBetweenContacts()).isEqualTo(interval);
            assertThat(d.getInvoiceIds()).containsExactly("I-1");
            if (action.contactsCustomer()) {
                assertThat(d.getNextReviewOn()).isEqualTo(TODAY.plusDays(interval));
            }
            assertDecidedBy(d, "Ladder", policy, segment.name(), "USD");
        }

        @ParameterizedTest(name = "{0}: stage {1} reached, {2} days overdue -> nothing yet")
        @CsvSource({
            "CONSUMER,       0,  2, 120.00",
            "CONSUMER,       1, 13, 120.00",
            "CONSUMER,       2, 29, 120.00",
            "CONSUMER,       3, 44, 120.00",
            "CONSUMER,       4, 59, 120.00",
            "CONSUMER,       5, 89, 120.00",
            "SMALL_BUSINESS, 0,  6, 900.00",
            "SMALL_BUSINESS, 1, 20, 900.00",
            "SMALL_BUSINESS, 2, 34, 900.00",
            "SMALL_BUSINESS, 3, 49, 900.00",
            "SMALL_BUSINESS, 4, 79, 900.00",
            "ENTERPRISE,     0,  6, 900.00",
            "ENTERPRISE,     4, 79, 900.00",
            "PUBLIC_SECTOR,  0, 13, 5000.00",
            "PUBLIC_SECTOR,  1, 29, 5000.00",
            "PUBLIC_SECTOR,  2, 44, 5000.00",
            "PUBLIC_SECTOR,  3, 59, 5000.00",
            "PUBLIC_SECTOR,  4, 89, 5000.00"
        })
        void takesNoStepADayBeforeItIsDue(Segment segment, int reached, int days, String amount) {
            Decision d = decide(overdue(segment, amount, days, reached));

            assertThat(d.decidedAction()).as(d.toString()).isEqualTo(Action.NO_ACTION);
            assertThat(d.getStage()).isEqualTo(reached);
            assertThat(noLadderStep(d)).isTrue();
        }

        @Test
        void neverSkipsAStep() {
            // 50 days overdue, never contacted: the first reminder, not the final notice.
            Decision d = decide(overdue(Segment.CONSUMER, "120.00", 50, 0));

            assertThat(d.decidedAction()).isEqualTo(Action.REMINDER);
            assertThat(d.getStage()).isEqualTo(1);
            assertDecidedBy(d, "Ladder", "ESC-C1", "CONSUMER", "USD");
        }

        @Test
        void coversAllOverdueInvoicesInOneMessage() {
            Decision d = decide(facts()
                    .invoice(anInvoice().id("I-1").amount("USD", "80.00").daysOverdue(20))
                    .invoice(anInvoice().id("I-2").amount("USD", "40.00").daysOverdue(4))
                    .invoice(anInvoice().id("I-3").amount("USD", "99.00").due("2025-03-22")));

            assertThat(d.decidedAction()).isEqualTo(Action.REMINDER);
            assertThat(d.getInvoiceIds()).containsExactlyInAnyOrder("I-1", "I-2");
        }

        @Test
        void offersAPaymentPlanForALargeConsumerDebtInsteadOfACall() {
            Decision d = decide(overdue(Segment.CONSUMER, "1000.00", 30, 2));

            assertThat(d.decidedAction()).isEqualTo(Action.OFFER_PAYMENT_PLAN);
            assertThat(d.getStage()).isEqualTo(3);
            assertThat(d.getDaysBetweenContacts()).isEqualTo(7);
            assertDecidedBy(d, "Ladder", "ESC-C3P", "CONSUMER", "USD");
            // the call row below it matched too and was overridden (first match wins)
            assertThat(d.getTrace()).anySatisfy(t -> {
                assertThat(t.metadata()).containsEntry("policy", "ESC-C3");
                assertThat(t.overridden()).isTrue();
            });
        }

        @Test
        void callsWhenTheDebtIsJustBelowThePaymentPlanThreshold() {
            Decision d = decide(overdue(Segment.CONSUMER, "999.99", 30, 2));

            assertThat(d.decidedAction()).isEqualTo(Action.PHONE_CALL);
            assertDecidedBy(d, "Ladder", "ESC-C3", "CONSUMER", "USD");
        }

        @Test
        void offersNoPaymentPlanInCurrenciesWithoutAThreshold() {
            Decision d = decide(facts()
                    .invoice(anInvoice().id("I-1").amount("CHF", "5000.00").daysOverdue(30))
                    .contact(contact(daysBeforeNow(29), Channel.EMAIL, Action.REMINDER, 2, Outcome.DELIVERED)));

            assertThat(d.decidedAction()).isEqualTo(Action.PHONE_CALL);
            assertDecidedBy(d, "Ladder", "ESC-C3", "CONSUMER", OTHER_CURRENCIES);
        }
    }

    @Nested
    class Thresholds {

        @ParameterizedTest(name = "{0} {1} {2}, {3} days overdue -> {4}")
        @CsvSource({
            // consumers: EUR, USD, GBP 5; other currencies no threshold
            "CONSUMER,       EUR, 4.99,  3, -",
            "CONSUMER,       EUR, 5.00,  3, ESC-C1",
            "CONSUMER,       USD, 4.99,  3, -",
            "CONSUMER,       USD, 5.00,  3, ESC-C1",
            "CONSUMER,       GBP, 4.99,  3, -",
            "CONSUMER,       GBP, 5.00,  3, ESC-C1",
            "CONSUMER,       CHF, 0.01,  3, ESC-C1",
            // businesses: EUR, USD 25; GBP 20; other currencies no threshold
            "SMALL_BUSINESS, EUR, 24.99, 7, -",
            "SMALL_BUSINESS, EUR, 25.00, 7, ESC-B1",
            "SMALL_BUSINESS, USD, 24.99, 7, -",
            "SMALL_BUSINESS, USD, 25.00, 7, ESC-B1",
            "SMALL_BUSINESS, GBP, 19.99, 7, -",
            "SMALL_BUSINESS, GBP, 20.00, 7, ESC-B1",
            "SMALL_BUSINESS, JPY, 1,     7, ESC-B1",
            "ENTERPRISE,     GBP, 20.00, 7, ESC-B1",
            "ENTERPRISE,     USD, 24.99, 7, -",
            "PUBLIC_SECTOR,  GBP, 19.99, 14, -",
            "PUBLIC_SECTOR,  GBP, 20.00, 14, ESC-P1",
            "PUBLIC_SECTOR,  EUR, 25.00, 14, ESC-P1"
        })
        void appliesTheMinimumAmountOfTheCurrency(
                Segment segment, String currency, String amount, int days, String policy) {
            Decision d = decide(facts().customer(customer(segment))
                    .invoice(anInvoice().id("I-1").amount(currency, amount).daysOverdue(days)));

            if (policy.equals("-")) {
                assertThat(d.decidedAction()).isEqualTo(Action.NO_ACTION);
                assertThat(noLadderStep(d)).isTrue();
            } else {
                assertThat(d.decidedAction()).isEqualTo(Action.REMINDER);
                boolean listed = List.of("EUR", "USD", "GBP").contains(currency);
                assertDecidedBy(d, "Ladder", policy, segment.name(), listed ? currency : OTHER_CURRENCIES);
            }
        }

        @Test
        void neverAddsAmountsInDifferentCurrencies() {
            // EUR 3.00 + USD 3.00 would be 6 >= 5, but each currency is below its own threshold of 5.
            Decision d = decide(facts()
                    .invoice(anInvoice().id("E-1").amount("EUR", "3.00").daysOverdue(10))
                    .invoice(anInvoice().id("U-1").amount("USD", "3.00").daysOverdue(10)));

            assertThat(d.decidedAction()).isEqualTo(Action.NO_ACTION);
            assertThat(noLadderStep(d)).isTrue();
        }

        @Test
        void takesDaysOverdueFromTheSameCurrencyAsTheAmount() {
            // Stage 1 reached. EUR 3.00 is 20 days overdue but below its threshold; USD 100.00 is only 10 days overdue.
            // The second reminder (14 days) is not due: the EUR days do not lend themselves to the USD amount.
            FactsBuilder early = facts()
                    .invoice(anInvoice().id("E-1").amount("EUR", "3.00").daysOverdue(20))
                    .invoice(anInvoice().id("U-1").amount("USD", "100.00").daysOverdue(10))
                    .contact(contact(daysBeforeNow(9), Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED));
            FactsBuilder due = facts()
                    .invoice(anInvoice().id("E-1").amount("EUR", "3.00").daysOverdue(20))
                    .invoice(anInvoice().id("U-1").amount("USD", "100.00").daysOverdue(14))
                    .contact(contact(daysBeforeNow(9), Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED));

            Decision notYet = decide(early);
            Decision second = decide(due);

            assertThat(notYet.decidedAction()).isEqualTo(Action.NO_ACTION);
            assertThat(notYet.getStage()).isEqualTo(1);
            assertThat(second.decidedAction()).isEqualTo(Action.REMINDER);
            assertThat(second.getStage()).isEqualTo(2);
            assertDecidedBy(second, "Ladder", "ESC-C2", "CONSUMER", "USD");
            // one message for every overdue invoice, whatever its currency
            assertThat(second.getInvoiceIds()).containsExactlyInAnyOrder("E-1", "U-1");
        }
    }

    @Nested
    class PaymentFailures {

        @ParameterizedTest(name = "hard decline {0}, {1} days overdue -> update payment method")
        @CsvSource({
            "expired_card, 0",
            "lost_card,    2",
            "stolen_card,  10",
            "AC04,         30",
            "R02,          15",
            "fraudulent,   1"
        })
        void asksForANewPaymentMethodAfterAHardDecline(String code, int days) {
            Decision d = decide(facts().invoice(anInvoice().id("I-1").daysOverdue(days).failed(1, code)));

            assertThat(d.decidedAction()).isEqualTo(Action.UPDATE_PAYMENT_METHOD);
            assertThat(d.getInvoiceIds()).containsExactly("I-1");
            assertThat(d.getDaysBetweenContacts()).isEqualTo(7);
            assertThat(d.getStage()).isZero();
            assertThat(d.getChannel()).isEqualTo("EMAIL");
            assertDecidedBy(d, "Payment failures", "PAY-01", "HARD");
        }

        @ParameterizedTest(name = "hard decline after {0} failed attempts is never retried")
        @ValueSource(ints = {1, 2, 3, 4, 5, 10})
        void neverRetriesAHardDecline(int attempts) {
            for (int days : new int[] {0, 5, 21, 30, 31, 60}) {
                Decision d = decide(facts().invoice(anInvoice().id("I-1").daysOverdue(days).failed(attempts, "expired_card")
                        .lastFailureAt("2025-03-01T00:00:00Z")));
                assertThat(d.decidedAction()).as("%d attempts, %d days: %s", attempts, days, d)
                        .isNotEqualTo(Action.RETRY_PAYMENT);
                assertThat(d.getTrace()).as("%d attempts, %d days", attempts, days)
                        .noneMatch(t -> "PAY-02".equals(t.metadata().get("policy")));
            }
        }

        @Test
        void aHardDeclineLongOverdueGoesBackToTheLadder() {
            // PAY-01 covers up to 30 days overdue; at 31 the ladder's first reminder (no stage reached yet) applies.
            Decision d = decide(facts().invoice(anInvoice().id("I-1").daysOverdue(31).failed(1, "expired_card")));

            assertThat(d.decidedAction()).isEqualTo(Action.REMINDER);
            assertDecidedBy(d, "Ladder", "ESC-C1", "CONSUMER", "USD");
        }

        @ParameterizedTest(name = "soft decline, {0} failed attempt(s) -> retry")
        @ValueSource(ints = {1, 2, 3})
        void retriesASoftDeclineAtMostThreeTimes(int attempts) {
            Decision d = decide(facts().invoice(anInvoice().id("I-1").daysOverdue(5).failed(attempts, "insufficient_funds")));

            assertThat(d.decidedAction()).isEqualTo(Action.RETRY_PAYMENT);
            assertThat(d.getInvoiceIds()).containsExactly("I-1");
            assertThat(d.getChannel()).isEqualTo("NONE");
            assertThat(d.getTone()).isNull();
            assertThat(d.getStage()).isZero();
            assertThat(d.isRequiresApproval()).isFalse();
            assertDecidedBy(d, "Payment failures", "PAY-02", "SOFT");
        }

        @ParameterizedTest(name = "soft decline, {0} failed attempts -> retries used up")
        @ValueSource(ints = {4, 5, 9})
        void asksForAnotherPaymentMethodOnceTheRetriesAreUsedUp(int attempts) {
            Decision d = decide(facts().invoice(anInvoice().id("I-1").daysOverdue(10).failed(attempts, "insufficient_funds")));

            assertThat(d.decidedAction()).isEqualTo(Action.UPDATE_PAYMENT_METHOD);
            assertThat(d.getInvoiceIds()).containsExactly("I-1");
            assertDecidedBy(d, "Payment failures", "PAY-03", "SOFT");
        }

        @Test
        void waitsThreeCalendarDaysAfterTheLastFailureBeforeRetrying() {
            // 2025-03-10 and 2025-03-09 in Los Angeles: two and three local calendar days before 2025-03-12
            Decision tooSoon = decide(facts().invoice(anInvoice().id("I-1").daysOverdue(5).failed(1, "insufficient_funds")
                    .lastFailureAt(daysBeforeNow(2).toString())));
            Decision due = decide(facts().invoice(anInvoice().id("I-1").daysOverdue(5).failed(1, "insufficient_funds")
                    .lastFailureAt(daysBeforeNow(3).toString())));

            assertThat(tooSoon.decidedAction()).isNotEqualTo(Action.RETRY_PAYMENT);
            assertThat(tooSoon.getTrace()).noneMatch(t -> "PAY-02".equals(t.metadata().get("policy")));
            assertThat(due.decidedAction()).isEqualTo(Action.RETRY_PAYMENT);
        }

        @Test
        void retriesWithinThreeWeeksOfTheDueDateOnly() {
            Decision day21 = decide(facts().invoice(anInvoice().id("I-1").daysOverdue(21).failed(2, "R01")));
            Decision day22 = decide(facts().invoice(anInvoice().id("I-1").daysOverdue(22).failed(2, "R01")));

            assertThat(day21.decidedAction()).isEqualTo(Action.RETRY_PAYMENT);
            assertThat(day22.decidedAction()).isEqualTo(Action.REMINDER);
            assertDecidedBy(day22, "Ladder", "ESC-C1", "CONSUMER", "USD");
        }

        @Test
        void retriesAFailedPaymentOnTheDueDateItself() {
            // Not pre-dunning: the payment actually failed.
            Decision d = decide(facts().invoice(anInvoice().id("I-1").due("2025-03-12").failed(1, "insufficient_funds")));

            assertThat(d.decidedAction()).isEqualTo(Action.RETRY_PAYMENT);
        }

        @Test
        void treatsAnUnknownDeclineCodeAsSoft() {
            Decision d = decide(facts().invoice(anInvoice().id("I-1").daysOverdue(2).failed(1, "mystery_code")));

            assertThat(d.decidedAction()).isEqualTo(Action.RETRY_PAYMENT);
        }

        @Test
        void followsTheDeclineClassTheBillingSystemReported() {
            Decision d = decide(facts().invoice(anInvoice().id("I-1").daysOverdue(2).failed(1, "insufficient_funds")
                    .declineClass(DeclineClass.HARD)));

            assertThat(d.decidedAction()).isEqualTo(Action.UPDATE_PAYMENT_METHOD);
            assertDecidedBy(d, "Payment failures", "PAY-01", "HARD");
        }

        @Test
        void leavesAFailedPaymentOnADisputedInvoiceAlone() {
            Decision d = decide(facts()
                    .invoice(anInvoice().id("I-1").daysOverdue(5).failed(1, "expired_card"))
                    .invoice(anInvoice().id("I-2").daysOverdue(5))
                    .hold(dispute("I-1", "2025-03-10")));

            assertThat(d.getTrace()).noneMatch(t -> "Payment failures".equals(t.sheet()));
            assertThat(d.decidedAction()).isEqualTo(Action.REMINDER);
            assertThat(d.getInvoiceIds()).containsExactly("I-2");
        }

        @Test
        void comesBeforeTheLadder() {
            // I-1 is due a first reminder; I-2's card expired: the payment row wins and concerns I-2.
            Decision d = decide(facts()
                    .invoice(anInvoice().id("I-1").daysOverdue(10))
                    .invoice(anInvoice().id("I-2").daysOverdue(1).failed(1, "expired_card")));

            assertThat(d.decidedAction()).isEqualTo(Action.UPDATE_PAYMENT_METHOD);
            assertThat(d.getInvoiceIds()).containsExactly("I-2");
            assertDecidedBy(d, "Payment failures", "PAY-01", "HARD");
            assertThat(d.getTrace()).anySatisfy(t -> {
                assertThat(t.metadata()).containsEntry("policy", "ESC-C1");
                assertThat(t.overridden()).isTrue();
            });
        }
    }

    @Nested
    class Approval {

        @Test
        void proposesServiceSuspensionOnlyForAPersonToApprove() {
            Decision d = decide(overdue(Segment.CONSUMER, "120.00", 61, 4));

            assertThat(d.decidedAction()).isEqualTo(Action.SUSPEND_SERVICE);
            assertThat(d.isRequiresApproval()).isTrue();
            assertThat(d.getChannel()).isEqualTo("NONE");
            assertThat(d.getNotBefore()).isNull();
            assertThat(d.getReasons()).contains("Suspend service has legal effect for the customer: a person must approve it");
        }

        @ParameterizedTest(name = "{0}: hand-over is proposed for approval")
        @CsvSource({"CONSUMER, 5, 91", "SMALL_BUSINESS, 4, 81", "ENTERPRISE, 4, 81"})
        void proposesCollectionHandOverOnlyForAPersonToApprove(Segment segment, int reached, int days) {
            Decision d = decide(overdue(segment, "900.00", days, reached));

            assertThat(d.decidedAction()).isEqualTo(Action.COLLECTION_HANDOVER);
            assertThat(d.isRequiresApproval()).isTrue();
            assertThat(d.getChannel()).isEqualTo("NONE");
            assertThat(d.getReasons())
                    .contains("Collection handover has legal effect for the customer: a person must approve it");
        }

        @Test
        void neverHandsOverAPublicBodyButLetsAPersonTakeOver() {
            Decision d = decide(overdue(Segment.PUBLIC_SECTOR, "5000.00", 95, 4));

            assertThat(d.decidedAction()).isEqualTo(Action.MANUAL_REVIEW);
            assertThat(d.isRequiresApproval()).isFalse();
            assertThat(d.getChannel()).isEqualTo("NONE");
        }

        @Test
        void aFinalNoticeNeedsNoApproval() {
            Decision d = decide(overdue(Segment.CONSUMER, "120.00", 46, 3));

            assertThat(d.decidedAction()).isEqualTo(Action.FINAL_NOTICE);
            assertThat(d.isRequiresApproval()).isFalse();
            assertThat(d.getReasons()).noneMatch(r -> r.contains("must approve"));
        }
    }
}
