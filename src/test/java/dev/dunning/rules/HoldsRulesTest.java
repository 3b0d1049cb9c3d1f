package dev.dunning.rules;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static dev.dunning.decision.TestData.contact;
import static dev.dunning.decision.TestData.dispute;
import static dev.dunning.decision.TestData.facts;
import static dev.dunning.decision.TestData.hold;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.decision.Action;
import dev.dunning.decision.Channel;
import dev.dunning.decision.Decision;
import dev.dunning.decision.DeclineCodes;
import dev.dunning.decision.Hold;
import dev.dunning.decision.HoldKind;
import dev.dunning.decision.InvoiceStatus;
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
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.usermodel.WorkbookFactory;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Holds: decision-tables/holds.xlsx (sheet Holds, HLD-02..HLD-09) and rules/holds.drl (HLD-01). Today is 2025-03-12 in
 * Los Angeles. A hold with an end date is reviewed the day after it ends; an open-ended hold the number of days of
 * its row after it began, but never earlier than tomorrow.
 */
class HoldsRulesTest {

    private static final String TABLE = "decision-tables/holds.xlsx";
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

    /** Trace entries that changed something, for one policy reference. */
    private static List<TraceEntry> applied(Decision d, String policy) {
        return d.getTrace().stream()
                .filter(t -> !t.overridden())
                .filter(t -> policy.equals(t.metadata().get("policy")))
                .toList();
    }

    /** 1-based row of the only row of the sheet whose cells include all the given values. */
    static int sheetRow(String file, String sheet, String... cells) {
        try (InputStream in = Files.newInputStream(Path.of(file)); Workbook wb = WorkbookFactory.create(in)) {
            Sheet s = wb.getSheet(sheet);
            DataFormatter f = new DataFormatter();
            List<Integer> rows = new java.util.ArrayList<>();
            for (Row row : s) {
                List<String> values = new java.util.ArrayList<>();
                row.forEach(c -> values.add(f.formatCellValue(c).trim()));
                if (values.containsAll(Arrays.asList(cells))) {
                    rows.add(row.getRowNum() + 1);
                }
            }
            assertThat(rows).as("rows of %s!%s holding %s", file, sheet, Arrays.toString(cells)).hasSize(1);
            return rows.get(0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** 1-based line of {@code rule "name"} in a DRL file. */
    static int drlLine(String file, String rule) {
        try {
            List<String> lines = Files.readAllLines(Path.of(file));
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).strip().startsWith("rule \"" + rule + "\"")) {
                    return i + 1;
                }
            }
            throw new AssertionError("no rule \"" + rule + "\" in " + file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertHeldBy(Decision d, String policy, String kindCell) {
        assertThat(d.decidedAction()).isEqualTo(Action.HOLD);
        assertThat(d.getChannel()).isEqualTo("NONE");
        assertThat(d.getInvoiceIds()).isEmpty();
        assertThat(d.getNotBefore()).isNull();
        assertThat(d.getFees()).isEmpty();
        List<TraceEntry> entries = applied(d, policy);
        assertThat(entries).singleElement().satisfies(t -> {
            assertThat(t.source()).isEqualTo(TABLE);
            assertThat(t.sheet()).isEqualTo("Holds");
            assertThat(t.row()).isEqualTo(kindCell == null ? sheetRow(TABLE, "Holds", policy)
                    : sheetRow(TABLE, "Holds", policy, kindCell));
            assertThat(t.group()).isEqualTo("holds");
        });
        // A hold closes the decision: nothing after the holds group runs.
        assertThat(d.getTrace()).extracting(TraceEntry::group).containsOnly("holds");
    }

    @ParameterizedTest(name = "open-ended {0} from 2025-03-10 is reviewed on {3} ({1}, {2} days)")
    @CsvSource({
        "PROMISE_TO_PAY,  HLD-02, 7,  2025-03-17",
        "PAYMENT_PLAN,    HLD-03, 30, 2025-04-09",
        "BANKRUPTCY,      HLD-04, 90, 2025-06-08",
        "BREATHING_SPACE, HLD-05, 60, 2025-05-09",
        "LEGAL,           HLD-06, 30, 2025-04-09",
        "MANUAL,          HLD-07, 14, 2025-03-24",
        "DISPUTE,         HLD-08, 30, 2025-04-09"
    })
    void holdsTheCustomerDuringAnOpenEndedHoldAndReviewsItAfterTheDaysOfItsRow(
            HoldKind kind, String policy, int days, LocalDate review) {
        Hold h = hold(kind, "2025-03-10", null);
        Decision d = decide(facts().invoice(anInvoice().id("I-1").daysOverdue(20)).hold(h));

        assertHeldBy(d, policy, kind.name());
        assertThat(review).isEqualTo(LocalDate.of(2025, 3, 10).plusDays(days)); // the hand-computed date is right
        assertThat(d.getNextReviewOn()).isEqualTo(review);
        assertThat(d.getHoldsApplied()).containsExactly(h);
        assertThat(d.getReasons()).anySatisfy(r -> assertThat(r).contains("with no agreed end", review.toString()));
    }

    @ParameterizedTest(name = "{0} until 2025-03-20 is reviewed on 2025-03-21 ({1})")
    @CsvSource({
        "PROMISE_TO_PAY,  HLD-02",
        "PAYMENT_PLAN,    HLD-03",
        "BANKRUPTCY,      HLD-04",
        "BREATHING_SPACE, HLD-05",
        "LEGAL,           HLD-06",
        "MANUAL,          HLD-07",
        "DISPUTE,         HLD-08"
    })
    void reviewsADatedHoldTheDayAfterItEnds(HoldKind kind, String policy) {
        Hold h = hold(kind, "2025-03-01", "2025-03-20");
        Decision d = decide(facts().invoice(anInvoice().id("I-1").daysOverdue(20)).hold(h));

        assertHeldBy(d, policy, kind.name());
        assertThat(d.getNextReviewOn()).isEqualTo(LocalDate.of(2025, 3, 21));
        assertThat(d.getHoldsApplied()).containsExactly(h);
    }

    @Test
    void reviewsAnOpenEndedHoldThatIsAlreadyDueForReviewTomorrow() {
        // Promise made 2025-01-01: 7 days are long past, so the next review is tomorrow, never in the past.
        Decision d = decide(facts().invoice(anInvoice().daysOverdue(20))
                .hold(hold(HoldKind.PROMISE_TO_PAY, "2025-01-01", null)));

        assertHeldBy(d, "HLD-02", "PROMISE_TO_PAY");
        assertThat(d.getNextReviewOn()).isEqualTo(TODAY.plusDays(1));
    }

    @Test
    void aHoldEndingTodayStillHoldsAndIsReviewedTomorrow() {
        Decision d = decide(facts().invoice(anInvoice().daysOverdue(20))
                .hold(hold(HoldKind.LEGAL, "2025-03-01", "2025-03-12")));

        assertHeldBy(d, "HLD-06", "LEGAL");
        assertThat(d.getNextReviewOn()).isEqualTo(LocalDate.of(2025, 3, 13));
    }

    @Test
    void anExpiredHoldNoLongerAppliesAndDunningResumes() {
        Decision d = decide(facts().invoice(anInvoice().id("I-1").daysOverdue(10))
                .hold(hold(HoldKind.PROMISE_TO_PAY, "2025-02-20", "2025-03-11")));

        assertThat(d.decidedAction()).isEqualTo(Action.REMINDER);
        assertThat(d.getStage()).isEqualTo(1);
        assertThat(d.getHoldsApplied()).isEmpty();
        assertThat(d.getTrace()).noneMatch(t -> "holds".equals(t.group()));
    }

    @Test
    void aHoldStartingTomorrowDoesNotApplyYet() {
        Decision d = decide(facts().invoice(anInvoice().id("I-1").daysOverdue(10))
                .hold(hold(HoldKind.PAYMENT_PLAN, "2025-03-13", null)));

        assertThat(d.decidedAction()).isEqualTo(Action.REMINDER);
        assertThat(d.getHoldsApplied()).isEmpty();
    }

    @Test
    void theLongestLastingCustomerHoldDecides() {
        // A promise until 2025-03-20 and an open-ended legal hold since 2025-03-01: the legal hold (HLD-06, 30 days).
        Hold legal = hold(HoldKind.LEGAL, "2025-03-01", null);
        Decision d = decide(facts().invoice(anInvoice().daysOverdue(20))
                .hold(hold(HoldKind.PROMISE_TO_PAY, "2025-03-05", "2025-03-20"))
                .hold(legal));

        assertHeldBy(d, "HLD-06", "LEGAL");
        assertThat(d.getNextReviewOn()).isEqualTo(LocalDate.of(2025, 3, 31));
        assertThat(d.getHoldsApplied()).containsExactly(legal);
        assertThat(applied(d, "HLD-02")).isEmpty();
    }

    @Test
    void aCustomerHoldWinsOverAFailedPaymentAndSuggestsNoFees() {
        // German business, hard decline, 20 days overdue: without the hold this would be UPDATE_PAYMENT_METHOD plus
        // EUR 40 compensation and interest. Breathing space freezes interest and fees.
        Decision d = decide(facts()
                .customer(aCustomer().segment(Segment.SMALL_BUSINESS).in("DE", "Europe/Berlin", "EUR"))
                .invoice(anInvoice().id("I-1").amount("EUR", "1000.00").daysOverdue(20).failed(1, "expired_card"))
                .hold(hold(HoldKind.BREATHING_SPACE, "2025-03-02", null)));

        assertHeldBy(d, "HLD-05", "BREATHING_SPACE");
        assertThat(d.getFees()).isEmpty();
        assertThat(d.getNextReviewOn()).isEqualTo(LocalDate.of(2025, 5, 1));
    }

    @Test
    void holdsWhenEveryOverdueInvoiceIsDisputed() {
        Hold disputeI1 = dispute("I-1", "2025-03-09");
        Decision d = decide(facts()
                .invoice(anInvoice().id("I-1").daysOverdue(20))
                .contact(contact("2025-03-01T18:00:00Z", Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED))
                .hold(disputeI1));

        assertHeldBy(d, "HLD-09", null);
        // Open-ended: reviewed 14 days from today.
        assertThat(d.getNextReviewOn()).isEqualTo(LocalDate.of(2025, 3, 26));
        assertThat(d.getHoldsApplied()).containsExactly(disputeI1);
        assertThat(d.getStage()).isEqualTo(1);
        assertThat(d.getReasons()).anySatisfy(r -> assertThat(r).contains("every overdue invoice is disputed", "N-I-1"));
    }

    @Test
    void anInvoiceWithStatusDisputedCountsAsADispute() {
        Decision d = decide(facts().invoice(anInvoice().id("I-1").daysOverdue(20).status(InvoiceStatus.DISPUTED)));

        assertHeldBy(d, "HLD-09", null);
        assertThat(d.getNextReviewOn()).isEqualTo(LocalDate.of(2025, 3, 26));
    }

    @Test
    void aDisputeSuspendsOnlyTheDisputedInvoice() {
        Decision d = decide(facts()
                .invoice(anInvoice().id("I-1").amount("USD", "80.00").daysOverdue(20))
                .invoice(anInvoice().id("I-2").amount("USD", "40.00").daysOverdue(10))
                .hold(dispute("I-1", "2025-03-09")));

        assertThat(d.decidedAction()).isEqualTo(Action.REMINDER);
        assertThat(d.getInvoiceIds()).containsExactly("I-2");
        assertThat(d.getChannel()).isEqualTo("EMAIL");
        assertThat(d.getReasons()).anySatisfy(r -> assertThat(r).contains("invoice(s) N-I-1 while disputed or on hold"));
        assertThat(applied(d, "HLD-01")).singleElement().satisfies(t -> {
            assertThat(t.source()).isEqualTo("rules/holds.drl");
            assertThat(t.line()).isEqualTo(drlLine("rules/holds.drl", t.rule()));
            assertThat(t.rule()).isEqualTo("Disputed invoices are left out");
            assertThat(t.group()).isEqualTo("holds");
        });
        // the disputed USD 80.00 is neither added nor counted in the days overdue
        assertThat(d.getReasons())
                .anySatisfy(r -> assertThat(r).contains("USD 40.00 overdue on 1 invoice(s), oldest 10 days"));
        assertThat(d.getStage()).isEqualTo(1);
    }

    @Test
    void noDisputeNoteWhenNothingIsDisputed() {
        Decision d = decide(facts().invoice(anInvoice().id("I-1").daysOverdue(10)));

        assertThat(applied(d, "HLD-01")).isEmpty();
        assertThat(d.getTrace()).noneMatch(t -> TABLE.equals(t.source()));
    }

    /**
     * First matching row wins: a customer-wide promise to pay (HLD-02, reviewed after 7 days) decides, even when every
     * overdue invoice is also disputed (HLD-09, 14 days). Only one hold is applied, once.
     */
    @Test
    void theFirstMatchingHoldRowDecidesAloneWhenAPromiseMeetsOnlyDisputedInvoices() {
        Hold promise = hold(HoldKind.PROMISE_TO_PAY, "2025-03-10", null);
        Decision d = decide(facts()
                .invoice(anInvoice().id("I-1").daysOverdue(20))
                .hold(dispute("I-1", "2025-03-09"))
                .hold(promise));

        SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(d.decidedAction()).isEqualTo(Action.HOLD);
            soft.assertThat(applied(d, "HLD-02")).hasSize(1);
            soft.assertThat(d.getNextReviewOn()).as("HLD-02 reviews an open-ended promise 7 days after 2025-03-10")
                    .isEqualTo(LocalDate.of(2025, 3, 17));
            soft.assertThat(d.getHoldsApplied()).containsExactly(promise);
            soft.assertThat(applied(d, "HLD-09")).as("HLD-09 must not decide after HLD-02 has").isEmpty();
        });
    }

    /**
     * A dispute pauses dunning for the disputed invoice only. A hard decline on another, undisputed invoice due today
     * still asks the customer for a new payment method (PAY-01); it must not be swallowed by the dispute hold.
     */
    @Test
    void aDisputeDoesNotHoldAFailedPaymentOnAnotherInvoice() {
        Decision d = decide(facts()
                .invoice(anInvoice().id("I-1").daysOverdue(20))
                .invoice(anInvoice().id("I-2").due("2025-03-12").failed(1, "expired_card"))
                .hold(dispute("I-1", "2025-03-09")));

        assertThat(d.decidedAction()).isEqualTo(Action.UPDATE_PAYMENT_METHOD);
        assertThat(d.getInvoiceIds()).containsExactly("I-2");
        assertThat(d.getChannel()).isEqualTo("EMAIL");
    }

    /**
     * With only the disputed invoice overdue, HLD-09 holds the customer and reviews in 14 days (2025-03-26). But I-2
     * falls due on 2025-03-15 and is overdue, undisputed, from 2025-03-16: the review must not come later than that,
     * or the dispute of one invoice delays the dunning of another.
     */
    @Test
    void aDisputeHoldIsReviewedNoLaterThanTheDayAnotherInvoiceBecomesOverdue() {
        Decision d = decide(facts()
                .invoice(anInvoice().id("I-1").daysOverdue(20))
                .invoice(anInvoice().id("I-2").due("2025-03-15"))
                .hold(dispute("I-1", "2025-03-09")));

        assertThat(d.decidedAction()).isEqualTo(Action.HOLD);
        assertThat(d.getNextReviewOn()).as(d.toString())
                .isAfter(TODAY)
                .isBeforeOrEqualTo(LocalDate.of(2025, 3, 16));
    }

    /**
     * Under a customer-wide hold nothing is dunned, so the explanation must not say that the undisputed invoices are
     * "dunned as usual" (HLD-01's note is for when the customer is not on hold).
     */
    @Test
    void theExplanationOfACustomerHoldDoesNotClaimOtherInvoicesAreDunned() {
        Decision d = decide(facts()
                .invoice(anInvoice().id("I-1").daysOverdue(20))
                .invoice(anInvoice().id("I-2").daysOverdue(10))
                .hold(dispute("I-1", "2025-03-09"))
                .hold(hold(HoldKind.PROMISE_TO_PAY, "2025-03-10", null)));

        assertThat(d.decidedAction()).isEqualTo(Action.HOLD);
        assertThat(d.getReasons()).noneMatch(r -> r.contains("dunned as usual"));
    }

    @Test
    void theHoldsTableHoldsExactlyTheRowsTestedHere() {
        List<String> policies = ruleSet.kieBase().getKiePackages().stream()
                .filter(p -> p.getName().equals("dunning.holds.table"))
                .flatMap(p -> p.getRules().stream())
                .map(r -> Objects.toString(r.getMetaData().get("policy")).replace("\"", ""))
                .sorted()
                .toList();
        assertThat(policies).containsExactly("HLD-02", "HLD-03", "HLD-04", "HLD-05", "HLD-06", "HLD-07", "HLD-08",
                "HLD-09");
    }
}
