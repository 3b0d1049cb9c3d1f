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
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Guardrails of rules/constraints.drl, applied after the ladder, tone and channel tables: VUL-01 (vulnerable customers
 * go to a person past a reminder), INT-01 (wide intervals between contacts), LIM-03 and LIM-04 (US third-party call
 * limits). Today is 2025-03-12, 11:00 in Los Angeles; the default customer is a consumer who consented to every channel.
 */
class ConstraintsRulesTest {

    private static final String DRL = "rules/constraints.drl";
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

    private static List<TraceEntry> applied(Decision d, String policy) {
        return d.getTrace().stream()
                .filter(t -> !t.overridden())
                .filter(t -> policy.equals(t.metadata().get("policy")))
                .toList();
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

    /** The one entry of the given constraint, located in constraints.drl at the line of its rule. */
    private static TraceEntry constraint(Decision d, String policy, String rule) {
        List<TraceEntry> entries = applied(d, policy);
        assertThat(entries).as("applied %s in %s", policy, d.getTrace()).hasSize(1);
        TraceEntry t = entries.get(0);
        assertThat(t.rule()).isEqualTo(rule);
        assertThat(t.source()).isEqualTo(DRL);
        assertThat(t.line()).isEqualTo(drlLine(rule));
        assertThat(t.sheet()).isNull();
        assertThat(t.row()).isNull();
        assertThat(t.group()).isEqualTo("constraints");
        return t;
    }

    /** A consumer 31 days overdue who had reminders 1 and 2 (the last 8 days ago): the ladder proposes a call (ESC-C3). */
    private static FactsBuilder callIsDue(CustomerBuilder customer) {
        return facts()
                .customer(customer)
                .invoice(anInvoice().id("I-1").daysOverdue(31))
                .contact(contact(daysBeforeNow(16), Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED))
                .contact(contact(daysBeforeNow(8), Channel.EMAIL, Action.REMINDER, 2, Outcome.DELIVERED));
    }

    /** Adds failed call attempts at the given ages. */
    private static FactsBuilder withFailedCalls(FactsBuilder facts, Duration... ages) {
        for (Duration age : ages) {
            facts.contact(contact(TestData.NOW.minus(age), Channel.PHONE, Action.PHONE_CALL, 3, Outcome.FAILED));
        }
        return facts;
    }

    private static Duration[] sevenCallsInSevenDays() {
        return new Duration[] {
            Duration.ofDays(1), Duration.ofDays(2), Duration.ofDays(3), Duration.ofDays(4), Duration.ofDays(5),
            Duration.ofDays(6), Duration.ofDays(7).minusHours(1)
        };
    }

    @Nested
    class VulnerableCustomers {

        @Test
        void stillGetAFriendlyFirstReminder() {
            Decision d = decide(facts().customer(aCustomer().vulnerable()).invoice(anInvoice().daysOverdue(5)));

            assertThat(d.decidedAction()).isEqualTo(Action.REMINDER);
            assertThat(d.getChannel()).isEqualTo("EMAIL");
            assertThat(d.getTone()).isEqualTo("FRIENDLY");
            assertThat(applied(d, "VUL-01")).isEmpty();
        }

        @Test
        void goToAPersonInsteadOfACall() {
            Decision d = decide(callIsDue(aCustomer().vulnerable()));

            assertThat(d.decidedAction()).isEqualTo(Action.MANUAL_REVIEW);
            assertThat(d.getChannel()).isEqualTo("NONE");
            assertThat(d.getStage()).isEqualTo(3);
            assertThat(d.getNotBefore()).isNull();
            assertThat(d.getReasons()).anySatisfy(r -> assertThat(r).contains("vulnerable", "phone call"));
            assertThat(constraint(d, "VUL-01", "Vulnerable customer goes to a person past a reminder").effects())
                    .containsExactly("replaced PHONE_CALL by MANUAL_REVIEW");
        }

        @Test
        void goToAPersonInsteadOfAFinalNotice() {
            Decision d = decide(facts()
                    .customer(aCustomer().vulnerable())
                    .invoice(anInvoice().daysOverdue(46))
                    .contact(contact(daysBeforeNow(15), Channel.PHONE, Action.PHONE_CALL, 3, Outcome.CONVERSATION)));

            assertThat(d.decidedAction()).isEqualTo(Action.MANUAL_REVIEW);
            assertThat(d.getStage()).isEqualTo(4);
            assertThat(constraint(d, "VUL-01", "Vulnerable customer goes to a person past a reminder").effects())
                    .containsExactly("replaced FINAL_NOTICE by MANUAL_REVIEW");
        }

        @Test
        void goToAPersonInsteadOfAServiceSuspension() {
            Decision d = decide(facts()
                    .customer(aCustomer().vulnerable())
                    .invoice(anInvoice().daysOverdue(61))
                    .contact(contact(daysBeforeNow(15), Channel.LETTER, Action.FINAL_NOTICE, 4, Outcome.SENT)));

            assertThat(d.decidedAction()).isEqualTo(Action.MANUAL_REVIEW);
            assertThat(d.getStage()).isEqualTo(5);
            assertThat(constraint(d, "VUL-01", "Vulnerable customer goes to a person past a reminder").effects())
                    .containsExactly("replaced SUSPEND_SERVICE by MANUAL_REVIEW");
        }

        @Test
        void areStillAskedForANewPaymentMethodAfterAHardDecline() {
            Decision d = decide(facts()
                    .customer(aCustomer().vulnerable())
                    .invoice(anInvoice().id("I-1").daysOverdue(2).failed(1, "expired_card")));

            assertThat(d.decidedAction()).isEqualTo(Action.UPDATE_PAYMENT_METHOD);
            assertThat(applied(d, "VUL-01")).isEmpty();
        }

        @Test
        void withoutTheFlagTheCallGoesAhead() {
            Decision d = decide(callIsDue(aCustomer()));

            assertThat(d.decidedAction()).isEqualTo(Action.PHONE_CALL);
            assertThat(d.getChannel()).isEqualTo("PHONE");
            assertThat(applied(d, "VUL-01")).isEmpty();
        }

        /**
         * The contact interval governs contacts. Once VUL-01 has turned the call into a review by a person (which
         * contacts nobody), INT-01 ({@code Decision(contactsCustomer == true, ...)}) no longer applies and must not
         * defer the review.
         */
        @Test
        void goToAPersonEvenWhenTheLastContactWasRecent() {
            Decision d = decide(facts()
                    .customer(aCustomer().vulnerable())
                    .invoice(anInvoice().daysOverdue(31))
                    .contact(contact(daysBeforeNow(16), Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED))
                    .contact(contact(daysBeforeNow(3), Channel.EMAIL, Action.REMINDER, 2, Outcome.DELIVERED)));

            assertThat(d.decidedAction()).as(d.toString()).isEqualTo(Action.MANUAL_REVIEW);
            assertThat(applied(d, "INT-01")).isEmpty();
        }
    }

    @Nested
    class WideIntervals {

        @Test
        void holdTheSecondReminderBackUntilSevenDaysAfterTheFirst() {
            // First reminder 2025-03-09T18:00Z = 2025-03-09 11:00 in Los Angeles; consumer interval 7 days (ESC-C2).
            Decision d = decide(facts()
                    .invoice(anInvoice().daysOverdue(15))
                    .contact(contact(daysBeforeNow(3), Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED)));

            assertThat(d.decidedAction()).isEqualTo(Action.NO_ACTION);
            assertThat(d.getChannel()).isEqualTo("NONE");
            assertThat(d.getTone()).isNull();
            assertThat(d.getStage()).isEqualTo(1);
            assertThat(d.getInvoiceIds()).isEmpty();
            assertThat(d.getNextReviewOn()).isEqualTo(LocalDate.of(2025, 3, 16));
            assertThat(d.getReasons()).anySatisfy(r ->
                    assertThat(r).contains("3 day(s) ago", "7 days between contacts", "2025-03-16"));
            assertThat(constraint(d, "INT-01", "Wide intervals between contacts").effects())
                    .containsExactly("deferred REMINDER: no action until 2025-03-16");
        }

        @Test
        void letTheNextStepGoOnceTheIntervalHasPassed() {
            Decision d = decide(facts()
                    .invoice(anInvoice().daysOverdue(15))
                    .contact(contact(daysBeforeNow(7), Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED)));

            assertThat(d.decidedAction()).isEqualTo(Action.REMINDER);
            assertThat(d.getStage()).isEqualTo(2);
            assertThat(d.getNextReviewOn()).isEqualTo(TODAY.plusDays(7));
            assertThat(applied(d, "INT-01")).isEmpty();
        }

        @Test
        void useTheIntervalOfTheProposedStepForBusinesses() {
            // Small business, ESC-B2 asks for 10 days between contacts. Reminder 1 on 2025-03-03 (Los Angeles).
            var business = aCustomer().segment(Segment.SMALL_BUSINESS);
            Decision early = decide(facts().customer(business)
                    .invoice(anInvoice().amount("USD", "900.00").daysOverdue(25))
                    .contact(contact(daysBeforeNow(9), Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED)));
            Decision due = decide(facts().customer(business)
                    .invoice(anInvoice().amount("USD", "900.00").daysOverdue(25))
                    .contact(contact(daysBeforeNow(10), Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED)));

            assertThat(early.decidedAction()).isEqualTo(Action.NO_ACTION);
            assertThat(early.getNextReviewOn()).isEqualTo(LocalDate.of(2025, 3, 13));
            assertThat(applied(early, "INT-01")).hasSize(1);
            assertThat(due.decidedAction()).isEqualTo(Action.REMINDER);
            assertThat(due.getStage()).isEqualTo(2);
        }

        @Test
        void aBouncedContactDoesNotStartTheInterval() {
            // The bounced first reminder reached nobody: the first reminder is (re)sent now.
            Decision d = decide(facts()
                    .invoice(anInvoice().daysOverdue(15))
                    .contact(contact(daysBeforeNow(2), Channel.EMAIL, Action.REMINDER, 1, Outcome.BOUNCED)));

            assertThat(d.decidedAction()).isEqualTo(Action.REMINDER);
            assertThat(d.getStage()).isEqualTo(1);
            assertThat(applied(d, "INT-01")).isEmpty();
        }

        @Test
        void doNotApplyToActionsThatContactNobody() {
            // A soft decline retried (PAY-02) the day after a reminder: the retry is no contact.
            Decision d = decide(facts()
                    .invoice(anInvoice().id("I-1").daysOverdue(5).failed(1, "insufficient_funds"))
                    .contact(contact(daysBeforeNow(1), Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED)));

            assertThat(d.decidedAction()).isEqualTo(Action.RETRY_PAYMENT);
            assertThat(applied(d, "INT-01")).isEmpty();
        }

        /**
         * Last reminder 2025-03-05 15:00 in Los Angeles (6 days 19 hours ago): seven calendar days ago in the
         * customer's calendar. Whatever INT-01 decides, it must not "wait until" today while doing nothing today:
         * either the reminder is due (7 calendar days) or the review is on a later day.
         */
        @Test
        void aDeferredContactIsNeverReviewedOnTheDayItWasDeferred() {
            Decision d = decide(facts()
                    .invoice(anInvoice().daysOverdue(15))
                    .contact(contact("2025-03-05T23:00:00Z", Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED)));

            assertThat(d.getNextReviewOn()).as(d.toString()).isAfter(TODAY);
        }
    }

    @Nested
    class CallLimits {

        @Test
        void sevenCallAttemptsInSevenDaysBarThePhoneAndALetterGoesInstead() {
            Decision d = decide(withFailedCalls(callIsDue(aCustomer().thirdPartyCollection()), sevenCallsInSevenDays()));

            assertThat(d.decidedAction()).isEqualTo(Action.REMINDER);
            assertThat(d.getChannel()).isEqualTo("LETTER");
            assertThat(d.getStage()).isEqualTo(3);
            assertThat(d.getTone()).isEqualTo("FIRM");
            assertThat(d.getTemplate()).isEqualTo("reminder-firm");
            assertThat(d.getNotBefore()).isNull();
            assertThat(d.getReasons())
                    .contains("Not by PHONE (7 call attempts in the last 7 days reach the limit); using LETTER")
                    .anySatisfy(r -> assertThat(r).contains("A call is not possible"));
            assertThat(constraint(d, "LIM-03", "Call limit of the week reached").effects())
                    .containsExactly("barred PHONE: 7 call attempts in the last 7 days reach the limit");
        }

        @Test
        void sixCallAttemptsLeaveTheSeventhAllowed() {
            Duration[] six = {
                Duration.ofDays(1), Duration.ofDays(2), Duration.ofDays(3), Duration.ofDays(4), Duration.ofDays(5),
                Duration.ofDays(6)
            };
            Decision d = decide(withFailedCalls(callIsDue(aCustomer().thirdPartyCollection()), six));

            assertThat(d.decidedAction()).isEqualTo(Action.PHONE_CALL);
            assertThat(d.getChannel()).isEqualTo("PHONE");
            assertThat(d.getMaxCallsPer7Days()).isEqualTo(7);
            assertThat(applied(d, "LIM-03")).isEmpty();
        }

        @Test
        void aCallExactlySevenTimes24HoursAgoIsOutOfTheWindow() {
            Duration[] calls = {
                Duration.ofDays(1), Duration.ofDays(2), Duration.ofDays(3), Duration.ofDays(4), Duration.ofDays(5),
                Duration.ofDays(6), Duration.ofDays(7)
            };
            Decision d = decide(withFailedCalls(callIsDue(aCustomer().thirdPartyCollection()), calls));

            assertThat(d.decidedAction()).isEqualTo(Action.PHONE_CALL);
            assertThat(d.getChannel()).isEqualTo("PHONE");
        }

        @Test
        void doNotApplyWithoutTheThirdPartyCollectionFlag() {
            Decision d = decide(withFailedCalls(callIsDue(aCustomer()), sevenCallsInSevenDays()));

            assertThat(d.decidedAction()).isEqualTo(Action.PHONE_CALL);
            assertThat(d.getChannel()).isEqualTo("PHONE");
            assertThat(d.getMaxCallsPer7Days()).isNull();
            assertThat(applied(d, "LIM-03")).isEmpty();
        }

        @Test
        void withNoOtherConsentedChannelAPersonDecides() {
            Decision d = decide(withFailedCalls(
                    callIsDue(aCustomer().thirdPartyCollection().withoutConsent(Channel.LETTER)),
                    sevenCallsInSevenDays()));

            assertThat(d.decidedAction()).isEqualTo(Action.MANUAL_REVIEW);
            assertThat(d.getChannel()).isEqualTo("NONE");
            assertThat(d.getReasons()).anySatisfy(r -> assertThat(r)
                    .contains("No permitted channel", "PHONE (7 call attempts", "LETTER (no consent)"));
        }

        @Test
        void noCallWithinSevenDaysAfterAConversation() {
            // Conversation 4 days ago (it also counts as the last contact, so INT-01 defers the call as well).
            Decision d = decide(facts()
                    .customer(aCustomer().thirdPartyCollection())
                    .invoice(anInvoice().daysOverdue(31))
                    .contact(contact(daysBeforeNow(20), Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED))
                    .contact(contact(daysBeforeNow(4), Channel.PHONE, Action.REMINDER, 2, Outcome.CONVERSATION)));

            assertThat(d.decidedAction()).isNotEqualTo(Action.PHONE_CALL);
            assertThat(d.getChannel()).isNotEqualTo("PHONE");
            assertThat(d.getQuietDaysAfterConversation()).isEqualTo(7);
            assertThat(constraint(d, "LIM-04", "No call soon after a conversation").effects())
                    .containsExactly("barred PHONE: a conversation took place 4 day(s) ago");
        }

        @Test
        void aConversationBarsCallsOnlyUnderThirdPartyCollectionRules() {
            Decision d = decide(facts()
                    .invoice(anInvoice().daysOverdue(31))
                    .contact(contact(daysBeforeNow(20), Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED))
                    .contact(contact(daysBeforeNow(4), Channel.PHONE, Action.REMINDER, 2, Outcome.CONVERSATION)));

            assertThat(applied(d, "LIM-04")).isEmpty();
            assertThat(d.getQuietDaysAfterConversation()).isNull();
        }

        @Test
        void callsResumeSevenDaysAfterAConversation() {
            Decision d = decide(facts()
                    .customer(aCustomer().thirdPartyCollection())
                    .invoice(anInvoice().daysOverdue(31))
                    .contact(contact(daysBeforeNow(20), Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED))
                    .contact(contact(daysBeforeNow(7), Channel.PHONE, Action.REMINDER, 2, Outcome.CONVERSATION)));

            assertThat(d.decidedAction()).isEqualTo(Action.PHONE_CALL);
            assertThat(d.getChannel()).isEqualTo("PHONE");
            assertThat(applied(d, "LIM-04")).isEmpty();
        }
    }
}
