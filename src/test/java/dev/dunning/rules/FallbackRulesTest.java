package dev.dunning.rules;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static dev.dunning.decision.TestData.contact;
import static dev.dunning.decision.TestData.daysBeforeNow;
import static dev.dunning.decision.TestData.facts;
import static dev.dunning.decision.TestData.hold;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.decision.Action;
import dev.dunning.decision.Channel;
import dev.dunning.decision.Decision;
import dev.dunning.decision.DeclineCodes;
import dev.dunning.decision.HoldKind;
import dev.dunning.decision.InvoiceStatus;
import dev.dunning.decision.Outcome;
import dev.dunning.decision.Segment;
import dev.dunning.decision.TestData;
import dev.dunning.decision.TestData.FactsBuilder;
import dev.dunning.decision.TraceEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * rules/fallback.drl: a decision is never empty. "Nothing is overdue" (no pre-dunning), "Next step not yet due"
 * (grace period, below the minimum, or the stage reached), and "No rule matched" as the last resort. Today is
 * 2025-03-12 in Los Angeles.
 */
class FallbackRulesTest {

    private static final String DRL = "rules/fallback.drl";

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

    private static int drlLine(String rule) {
        try {
            List<String> lines = Files.readAllLines(Path.of(DRL));
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).strip().startsWith("rule \"" + rule + "\"")) {
                    return i + 1;
                }
            }
            throw new AssertionError("no rule \"" + rule + "\" in " + DRL);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<TraceEntry> fallbackEntries(Decision d) {
        return d.getTrace().stream().filter(t -> DRL.equals(t.source())).toList();
    }

    /** The fallback rule that decided: the only entry of fallback.drl that was not overridden. */
    private static TraceEntry decidingFallback(Decision d) {
        List<TraceEntry> applied = fallbackEntries(d).stream().filter(t -> !t.overridden()).toList();
        assertThat(applied).as("deciding fallback rule in %s", d.getTrace()).hasSize(1);
        TraceEntry t = applied.get(0);
        assertThat(t.line()).isEqualTo(drlLine(t.rule()));
        assertThat(t.group()).isEqualTo("fallback");
        assertThat(t.metadata()).containsEntry("policy", "DUN-00");
        return t;
    }

    private static void assertNothingDone(Decision d) {
        assertThat(d.decidedAction()).isEqualTo(Action.NO_ACTION);
        assertThat(d.getChannel()).isEqualTo("NONE");
        assertThat(d.getTone()).isNull();
        assertThat(d.getTemplate()).isNull();
        assertThat(d.getInvoiceIds()).isEmpty();
        assertThat(d.getNotBefore()).isNull();
        assertThat(d.isRequiresApproval()).isFalse();
    }

    /** "No rule matched" is only the last resort: whenever a specific fallback applies it is overridden and silent. */
    private static void assertNoRuleMatchedYielded(Decision d) {
        assertThat(fallbackEntries(d)).filteredOn(t -> t.rule().equals("No rule matched"))
                .allSatisfy(t -> {
                    assertThat(t.overridden()).isTrue();
                    assertThat(t.effects()).isEmpty();
                });
        assertThat(d.getReasons()).doesNotContain("no rule matched");
    }

    @Test
    void doesNothingBeforeAnInvoiceIsOverdueAndLooksAgainTheDayAfterItIsDue() {
        // Due 2025-03-17: first day overdue 2025-03-18.
        Decision d = decide(facts().invoice(anInvoice().id("I-1").due("2025-03-17")));

        assertNothingDone(d);
        assertThat(d.getStage()).isZero();
        assertThat(d.getNextReviewOn()).isEqualTo(LocalDate.of(2025, 3, 18));
        assertThat(d.getReasons()).containsExactly(
                "Nothing is overdue: no reminder before an invoice is past its due date");
        assertThat(decidingFallback(d).rule()).isEqualTo("Nothing is overdue");
        assertNoRuleMatchedYielded(d);
    }

    @Test
    void doesNothingOnTheDueDateItself() {
        Decision d = decide(facts().invoice(anInvoice().id("I-1").due("2025-03-12")));

        assertNothingDone(d);
        assertThat(d.getNextReviewOn()).isEqualTo(LocalDate.of(2025, 3, 13));
        assertThat(decidingFallback(d).rule()).isEqualTo("Nothing is overdue");
    }

    @Test
    void doesNothingForACustomerWithoutInvoicesAndSetsNoReviewDate() {
        Decision d = decide(facts());

        assertNothingDone(d);
        assertThat(d.getNextReviewOn()).isNull();
        assertThat(decidingFallback(d).rule()).isEqualTo("Nothing is overdue");
        assertNoRuleMatchedYielded(d);
    }

    @Test
    void paidAndWrittenOffInvoicesLeaveNothingOverdue() {
        Decision d = decide(facts()
                .invoice(anInvoice().id("I-1").daysOverdue(30).status(InvoiceStatus.PAID))
                .invoice(anInvoice().id("I-2").daysOverdue(90).status(InvoiceStatus.WRITTEN_OFF)));

        assertNothingDone(d);
        assertThat(decidingFallback(d).rule()).isEqualTo("Nothing is overdue");
    }

    @Test
    void waitsThroughTheConsumerGracePeriod() {
        // ESC-C1 starts at 3 days overdue.
        Decision d = decide(facts().invoice(anInvoice().id("I-1").daysOverdue(2)));

        assertNothingDone(d);
        assertThat(d.getStage()).isZero();
        assertThat(d.getReasons()).singleElement().asString()
                .startsWith("Overdue for 2 day(s), but no step of the ladder applies yet (grace period");
        assertThat(decidingFallback(d).rule()).isEqualTo("Next step not yet due");
        assertNoRuleMatchedYielded(d);
    }

    @Test
    void waitsThroughTheBusinessGracePeriod() {
        // ESC-B1 starts at 7 days overdue.
        Decision d = decide(facts()
                .customer(aCustomer().segment(Segment.ENTERPRISE))
                .invoice(anInvoice().id("I-1").amount("USD", "900.00").daysOverdue(6)));

        assertNothingDone(d);
        assertThat(d.getReasons()).singleElement().asString().startsWith("Overdue for 6 day(s)");
        assertThat(decidingFallback(d).rule()).isEqualTo("Next step not yet due");
    }

    @Test
    void doesNothingBelowTheMinimumAmount() {
        // Consumer USD threshold is 5: USD 4.99 is below it, 30 days overdue or not.
        Decision d = decide(facts().invoice(anInvoice().id("I-1").amount("USD", "4.99").daysOverdue(30)));

        assertNothingDone(d);
        assertThat(d.getReasons()).singleElement().asString()
                .startsWith("Overdue for 30 day(s)")
                .contains("below the minimum amount");
        assertThat(decidingFallback(d).rule()).isEqualTo("Next step not yet due");
    }

    @Test
    void waitsWhenTheStageReachedHasNoNextStepYet() {
        // Stage 2 reached 10 days ago; the call (ESC-C3) comes at 30 days overdue, it is 20.
        Decision d = decide(facts()
                .invoice(anInvoice().id("I-1").daysOverdue(20))
                .contact(contact(daysBeforeNow(10), Channel.EMAIL, Action.REMINDER, 2, Outcome.DELIVERED)));

        assertNothingDone(d);
        assertThat(d.getStage()).isEqualTo(2);
        assertThat(d.getReasons()).containsExactly("Stage 2 already reached in this overdue episode; the next step of "
                + "the ladder is not yet due (20 days overdue)");
        assertThat(decidingFallback(d).rule()).isEqualTo("Next step not yet due");
        assertNoRuleMatchedYielded(d);
    }

    @Test
    void staysOutOfTheWayWhenAnEarlierGroupDecided() {
        Decision d = decide(facts().invoice(anInvoice().id("I-1").daysOverdue(5)));

        assertThat(d.decidedAction()).isEqualTo(Action.REMINDER);
        assertThat(fallbackEntries(d)).isEmpty();
    }

    @Test
    void staysOutOfTheWayWhenAConstraintDeferredTheStep() {
        Decision d = decide(facts()
                .invoice(anInvoice().id("I-1").daysOverdue(15))
                .contact(contact(daysBeforeNow(3), Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED)));

        assertThat(d.decidedAction()).isEqualTo(Action.NO_ACTION);
        assertThat(fallbackEntries(d)).isEmpty();
    }

    @Test
    void neverRunsAfterAHold() {
        Decision d = decide(facts()
                .invoice(anInvoice().id("I-1").daysOverdue(2))
                .hold(hold(HoldKind.MANUAL, "2025-03-10", null)));

        assertThat(d.decidedAction()).isEqualTo(Action.HOLD);
        assertThat(fallbackEntries(d)).isEmpty();
    }

    @Test
    void noRuleMatchedIsTheLastResortAndEveryUndecidedCaseGetsASpecificReason() {
        // Every shape of undecided case: nothing at all, not yet due, grace, below minimum, stage reached.
        List<FactsBuilder> undecided = List.of(
                facts(),
                facts().invoice(anInvoice().due("2025-03-30")),
                facts().invoice(anInvoice().daysOverdue(1)),
                facts().invoice(anInvoice().amount("USD", "0.01").daysOverdue(100)),
                facts().invoice(anInvoice().daysOverdue(20))
                        .contact(contact(daysBeforeNow(10), Channel.EMAIL, Action.REMINDER, 2, Outcome.DELIVERED)));
        for (FactsBuilder f : undecided) {
            Decision d = decide(f);
            assertThat(d.decidedAction()).isEqualTo(Action.NO_ACTION);
            assertThat(decidingFallback(d).rule()).isNotEqualTo("No rule matched");
            assertNoRuleMatchedYielded(d);
            // The catch-all is in the trace (it matched) but marked as overridden, located in fallback.drl.
            assertThat(fallbackEntries(d)).filteredOn(t -> t.rule().equals("No rule matched")).singleElement()
                    .satisfies(t -> assertThat(t.line()).isEqualTo(drlLine("No rule matched")));
        }
    }
}
