package dev.dunning.decision;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static dev.dunning.decision.TestData.contact;
import static dev.dunning.decision.TestData.daysBeforeNow;
import static dev.dunning.decision.TestData.dispute;
import static dev.dunning.decision.TestData.facts;
import static dev.dunning.decision.TestData.hold;
import static dev.dunning.decision.TestData.invoiceHold;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The derivation of the snapshot the rules see, on its own. The fixed clock of {@link TestData} reads
 * 2025-03-12T18:00:00Z, which is 11:00 on 2025-03-12 in Los Angeles (PDT, UTC-7, since 2025-03-09).
 */
class DunningCaseTest {

    private static final LocalDate TODAY_LA = LocalDate.of(2025, 3, 12);

    private static InvoiceCase invoiceCase(DunningCase c, String invoiceId) {
        return c.getInvoiceCases().stream()
                .filter(i -> i.getInvoiceId().equals(invoiceId))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no InvoiceCase for " + invoiceId + " in " + c.getInvoiceCases()));
    }

    @Nested
    class DaysOverdue {

        @Test
        void countsWholeDaysPastTheDueDateForEachInvoice() {
            DunningCase c = facts()
                    .invoice(anInvoice().id("I-1").due("2025-03-02"))
                    .invoice(anInvoice().id("I-2").due("2025-03-11"))
                    .derive();

            // 2025-03-02 -> 2025-03-12 is 10 days; the day after the due date is the first day overdue.
            assertThat(invoiceCase(c, "I-1").getDaysOverdue()).isEqualTo(10);
            assertThat(invoiceCase(c, "I-2").getDaysOverdue()).isEqualTo(1);
            assertThat(invoiceCase(c, "I-2").isOverdue()).isTrue();
            assertThat(c.getMaxDaysOverdue()).isEqualTo(10);
            assertThat(c.getOverdueInvoiceIds()).containsExactly("I-1", "I-2");
            assertThat(c.getOverdueInvoiceCount()).isEqualTo(2);
            assertThat(c.isOverdue()).isTrue();
        }

        @Test
        void anInvoiceDueTodayIsNotYetOverdue() {
            DunningCase c = facts().invoice(anInvoice().id("I-1").due("2025-03-12")).derive();

            assertThat(c.isOverdue()).isFalse();
            assertThat(c.getOverdueInvoiceIds()).isEmpty();
            assertThat(c.getMaxDaysOverdue()).isZero();
            assertThat(c.getInvoiceCases()).isEmpty();
            assertThat(c.getExposures()).isEmpty();
            assertThat(c.getEpisodeStart()).isNull();
            assertThat(c.getNextDueDate()).isEqualTo(LocalDate.of(2025, 3, 12));
        }

        @Test
        void keepsTheMaximumDaysOverduePerCurrency() {
            DunningCase c = facts()
                    .invoice(anInvoice().id("E-1").amount("EUR", "10.00").due("2025-03-02"))
                    .invoice(anInvoice().id("E-2").amount("EUR", "10.00").due("2025-02-10"))
                    .invoice(anInvoice().id("U-1").amount("USD", "10.00").due("2025-03-07"))
                    .derive();

            // EUR: 10 and 30 days -> 30; USD: 5 days.
            assertThat(c.getMaxDaysOverdueByCurrency()).containsOnly(entry("EUR", 30), entry("USD", 5));
            assertThat(c.getOverdueCountByCurrency()).containsOnly(entry("EUR", 2), entry("USD", 1));
            assertThat(c.getMaxDaysOverdue()).isEqualTo(30);
            assertThat(c.getExposures())
                    .extracting(Exposure::getCurrency, Exposure::getMaxDaysOverdue, Exposure::getOverdueInvoiceCount)
                    .containsExactlyInAnyOrder(
                            tuple("EUR", 30, 2),
                            tuple("USD", 5, 1));
        }

        @Test
        void countsDaysOnTheCustomersLocalCalendarNotUtc() {
            // 2025-03-13T06:00Z is still 2025-03-12 (23:00) in Los Angeles but already 2025-03-13 (07:00) in Berlin.
            var invoice = anInvoice().id("I-1").amount("EUR", "100.00").due("2025-03-10");
            DunningCase losAngeles = facts().asOf("2025-03-13T06:00:00Z").invoice(invoice).derive();
            DunningCase berlin = facts()
                    .asOf("2025-03-13T06:00:00Z")
                    .customer(aCustomer().in("DE", "Europe/Berlin", "EUR"))
                    .invoice(invoice)
                    .derive();

            assertThat(losAngeles.getToday()).isEqualTo(LocalDate.of(2025, 3, 12));
            assertThat(berlin.getToday()).isEqualTo(LocalDate.of(2025, 3, 13));
            assertThat(invoiceCase(losAngeles, "I-1").getDaysOverdue()).isEqualTo(2);
            assertThat(invoiceCase(berlin, "I-1").getDaysOverdue()).isEqualTo(3);
        }
    }

    @Nested
    class Amounts {

        @Test
        void addsOverdueAmountsWithinACurrencyButNeverAcrossCurrencies() {
            DunningCase c = facts()
                    .invoice(anInvoice().id("E-1").amount("EUR", "100.10").daysOverdue(10))
                    .invoice(anInvoice().id("E-2").amount("EUR", "50.05").daysOverdue(4))
                    .invoice(anInvoice().id("U-1").amount("USD", "20.00").daysOverdue(8))
                    .invoice(anInvoice().id("G-1").amount("GBP", "0.99").daysOverdue(1))
                    .derive();

            Map<String, BigDecimal> amounts = c.getOverdueAmountByCurrency();
            assertThat(amounts).containsOnlyKeys("EUR", "USD", "GBP");
            assertThat(amounts.get("EUR")).isEqualByComparingTo("150.15");
            assertThat(amounts.get("USD")).isEqualByComparingTo("20.00");
            assertThat(amounts.get("GBP")).isEqualByComparingTo("0.99");
            assertThat(c.getExposures()).hasSize(3);
            assertThat(c.getExposures()).filteredOn(e -> e.getCurrency().equals("EUR"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getOverdueAmount()).isEqualByComparingTo("150.15"));
        }

        @Test
        void countsOnlyWhatIsLeftOfAPartiallyPaidInvoice() {
            DunningCase c = facts()
                    .invoice(anInvoice().id("I-1").amount("USD", "120.00").paid("45.50").daysOverdue(10))
                    .derive();

            // 120.00 - 45.50 = 74.50
            assertThat(c.getOverdueAmountByCurrency().get("USD")).isEqualByComparingTo("74.50");
            assertThat(invoiceCase(c, "I-1").getOutstanding()).isEqualByComparingTo("74.50");
            assertThat(invoiceCase(c, "I-1").getStatus()).isEqualTo("PARTIALLY_PAID");
        }

        @Test
        void aPartiallyPaidInvoiceWithNothingLeftIsNotOverdue() {
            DunningCase c = facts()
                    .invoice(anInvoice().id("I-1").amount("USD", "120.00").paid("120.00").daysOverdue(10))
                    .derive();

            assertThat(c.isOverdue()).isFalse();
            assertThat(c.getOverdueAmountByCurrency()).isEmpty();
            assertThat(c.getInvoiceCases()).isEmpty();
        }

        @Test
        void ignoresPaidAndWrittenOffInvoices() {
            DunningCase c = facts()
                    .invoice(anInvoice().id("P-1").daysOverdue(30).status(InvoiceStatus.PAID))
                    .invoice(anInvoice().id("W-1").daysOverdue(40).status(InvoiceStatus.WRITTEN_OFF).failed(2,
                            "insufficient_funds"))
                    .invoice(anInvoice().id("P-2").due("2025-03-20").status(InvoiceStatus.PAID))
                    .invoice(anInvoice().id("O-1").amount("USD", "15.00").daysOverdue(5))
                    .derive();

            assertThat(c.getOverdueInvoiceIds()).containsExactly("O-1");
            assertThat(c.getOverdueAmountByCurrency().get("USD")).isEqualByComparingTo("15.00");
            assertThat(c.getMaxDaysOverdue()).isEqualTo(5);
            assertThat(c.getInvoiceCases()).extracting(InvoiceCase::getInvoiceId).containsExactly("O-1");
            // The paid invoice due on 2025-03-20 is history, not a coming due date.
            assertThat(c.getNextDueDate()).isNull();
            // The episode begins with the oldest OPEN overdue invoice: due 2025-03-07, first day overdue 2025-03-08.
            assertThat(c.getEpisodeStart()).isEqualTo(LocalDate.of(2025, 3, 8));
        }

        @Test
        void nextDueDateIsTheEarliestDueDateOfAnOpenInvoiceNotYetOverdue() {
            DunningCase c = facts()
                    .invoice(anInvoice().id("I-1").daysOverdue(10))
                    .invoice(anInvoice().id("I-2").due("2025-03-20"))
                    .invoice(anInvoice().id("I-3").due("2025-03-14"))
                    .invoice(anInvoice().id("I-4").due("2025-03-13").status(InvoiceStatus.PAID))
                    .derive();

            assertThat(c.getNextDueDate()).isEqualTo(LocalDate.of(2025, 3, 14));
            assertThat(c.getOverdueInvoiceIds()).containsExactly("I-1");
        }

        @Test
        void nothingAtAllGivesAnEmptySnapshot() {
            DunningCase c = facts().derive();

            assertThat(c.isOverdue()).isFalse();
            assertThat(c.getNextDueDate()).isNull();
            assertThat(c.getStageReached()).isZero();
            assertThat(c.getLastContactAt()).isNull();
            assertThat(c.getDaysSinceLastContact()).isNull();
            assertThat(c.getDaysSinceLastConversation()).isNull();
            assertThat(c.getCallsLast7Days()).isZero();
            assertThat(c.isOnHold()).isFalse();
        }
    }

    @Nested
    class PaymentFailures {

        @Test
        void aFailedPaymentMakesAnInvoiceCaseEvenBeforeItIsOverdue() {
            DunningCase c = facts()
                    .invoice(anInvoice().id("I-1").due("2025-03-12").failed(1, "expired_card")
                            .lastFailureAt("2025-03-10T18:00:00Z"))
                    .derive();

            assertThat(c.isOverdue()).isFalse();
            InvoiceCase i = invoiceCase(c, "I-1");
            assertThat(i.getDaysOverdue()).isZero();
            assertThat(i.getFailedAttempts()).isEqualTo(1);
            assertThat(i.getDeclineClass()).isEqualTo("HARD");
            assertThat(i.getDaysSinceLastFailure()).isEqualTo(2);
        }

        @Test
        void classifiesDeclineCodesFromTheListAndUnknownCodesAsSoft() {
            DunningCase c = facts()
                    .invoice(anInvoice().id("S-1").daysOverdue(2).failed(1, "insufficient_funds"))
                    .invoice(anInvoice().id("H-1").daysOverdue(2).failed(1, "AC04"))
                    .invoice(anInvoice().id("U-1").daysOverdue(2).failed(1, "mystery_code"))
                    .invoice(anInvoice().id("N-1").daysOverdue(2))
                    .derive();

            assertThat(invoiceCase(c, "S-1").getDeclineClass()).isEqualTo("SOFT");
            assertThat(invoiceCase(c, "H-1").getDeclineClass()).isEqualTo("HARD");
            assertThat(invoiceCase(c, "U-1").getDeclineClass()).isEqualTo("SOFT");
            assertThat(invoiceCase(c, "N-1").getDeclineClass()).isNull();
        }

        @Test
        void theBillingSystemsDeclineClassWinsOverTheList() {
            DunningCase c = facts()
                    .invoice(anInvoice().id("I-1").daysOverdue(2).failed(1, "insufficient_funds")
                            .declineClass(DeclineClass.HARD))
                    .derive();

            assertThat(invoiceCase(c, "I-1").getDeclineClass()).isEqualTo("HARD");
        }

        @Test
        void daysSinceTheLastFailureAreUnknownWithoutItsTime() {
            DunningCase c = facts().invoice(anInvoice().id("I-1").daysOverdue(2).failed(1, "insufficient_funds"))
                    .derive();

            assertThat(invoiceCase(c, "I-1").getDaysSinceLastFailure()).isEqualTo(InvoiceCase.UNKNOWN_DAYS);
        }
    }

    @Nested
    class ContactHistory {

        @Test
        void stageReachedCountsOnlyContactsThatReachedTheCustomerInThisEpisode() {
            // Due 2025-03-02 in Los Angeles: the episode begins 2025-03-03 00:00 PST = 2025-03-03T08:00Z.
            DunningCase c = facts()
                    .invoice(anInvoice().id("I-1").due("2025-03-02"))
                    .contact(contact("2025-02-20T18:00:00Z", Channel.LETTER, Action.FINAL_NOTICE, 4, Outcome.SENT))
                    .contact(contact("2025-03-05T18:00:00Z", Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED))
                    .contact(contact("2025-03-09T18:00:00Z", Channel.EMAIL, Action.REMINDER, 2, Outcome.BOUNCED))
                    .contact(contact("2025-03-10T18:00:00Z", Channel.PHONE, Action.PHONE_CALL, 3, Outcome.FAILED))
                    .derive();

            assertThat(c.getEpisodeStart()).isEqualTo(LocalDate.of(2025, 3, 3));
            assertThat(c.getStageReached()).isEqualTo(1);
            assertThat(c.getExposures()).singleElement().extracting(Exposure::getStageReached).isEqualTo(1);
        }

        @Test
        void theEpisodeBeginsAtLocalMidnightOfTheFirstDayOverdue() {
            var invoice = anInvoice().id("I-1").due("2025-03-02");
            // 2025-03-03T07:59:59Z is 23:59:59 PST on 2025-03-02, the due date itself: not yet in the episode.
            DunningCase before = facts().invoice(invoice)
                    .contact(contact("2025-03-03T07:59:59Z", Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED))
                    .derive();
            DunningCase atStart = facts().invoice(invoice)
                    .contact(contact("2025-03-03T08:00:00Z", Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED))
                    .derive();

            assertThat(before.getStageReached()).isZero();
            assertThat(atStart.getStageReached()).isEqualTo(1);
        }

        @Test
        void everyOutcomeButBouncedAndFailedReachesTheCustomer() {
            for (Outcome outcome : Outcome.values()) {
                DunningCase c = facts()
                        .invoice(anInvoice().daysOverdue(10))
                        .contact(contact("2025-03-08T18:00:00Z", Channel.EMAIL, Action.REMINDER, 1, outcome))
                        .derive();
                boolean reached = outcome != Outcome.BOUNCED && outcome != Outcome.FAILED;
                assertThat(c.getStageReached()).as(outcome.name()).isEqualTo(reached ? 1 : 0);
                assertThat(c.getLastContactAt()).as(outcome.name())
                        .isEqualTo(reached ? Instant.parse("2025-03-08T18:00:00Z") : null);
            }
        }

        @Test
        void ignoresContactsRecordedAfterTheInstantDecidedFor() {
            DunningCase c = facts()
                    .invoice(anInvoice().daysOverdue(10))
                    .contact(contact("2025-03-12T18:00:01Z", Channel.PHONE, Action.PHONE_CALL, 3, Outcome.CONVERSATION))
                    .derive();

            assertThat(c.getStageReached()).isZero();
            assertThat(c.getLastContactAt()).isNull();
            assertThat(c.getCallsLast7Days()).isZero();
            assertThat(c.getLastConversation()).isNull();
        }

        @Test
        void daysSinceLastContactCountLocalCalendarDaysSinceTheLatestContactThatReachedTheCustomer() {
            DunningCase c = facts()
                    .invoice(anInvoice().daysOverdue(20))
                    .contact(contact("2025-03-01T18:00:00Z", Channel.EMAIL, Action.REMINDER, 1, Outcome.OPENED))
                    // 2 days 23 hours before 2025-03-12T18:00Z, but 12:00 on 03-09 in Los Angeles: 3 calendar days
                    .contact(contact("2025-03-09T19:00:00Z", Channel.SMS, Action.REMINDER, 1, Outcome.DELIVERED))
                    .contact(contact("2025-03-11T18:00:00Z", Channel.EMAIL, Action.REMINDER, 2, Outcome.BOUNCED))
                    .derive();

            assertThat(c.getLastContactAt()).isEqualTo(Instant.parse("2025-03-09T19:00:00Z"));
            assertThat(c.getDaysSinceLastContact()).isEqualTo(3);
        }

        @Test
        void aContactLateYesterdayEveningIsOneDayAgoEvenIfOnlyHoursHavePassed() {
            DunningCase c = facts()
                    .invoice(anInvoice().daysOverdue(20))
                    // 23:00 PDT on 03-11, twelve hours before 11:00 PDT on 03-12
                    .contact(contact("2025-03-12T06:00:00Z", Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED))
                    .derive();

            assertThat(c.getDaysSinceLastContact()).isEqualTo(1);
        }

        @Test
        void countsCallAttemptsOfAnyOutcomeInTheRolling7x24HoursBeforeAsOf() {
            DunningCase c = facts()
                    .invoice(anInvoice().daysOverdue(40))
                    // exactly 7 x 24 h before: outside the window
                    .contact(contact(daysBeforeNow(7), Channel.PHONE, Action.PHONE_CALL, 3, Outcome.CONVERSATION))
                    // one second later: inside
                    .contact(contact(daysBeforeNow(7).plusSeconds(1), Channel.PHONE, Action.PHONE_CALL, 3,
                            Outcome.FAILED))
                    .contact(contact(daysBeforeNow(3), Channel.PHONE, Action.PHONE_CALL, 3, Outcome.CONVERSATION))
                    .contact(contact(daysBeforeNow(1), Channel.PHONE, Action.PHONE_CALL, 3, Outcome.BOUNCED))
                    .contact(contact(TestData.NOW, Channel.PHONE, Action.PHONE_CALL, 3, Outcome.SENT))
                    // not calls
                    .contact(contact(daysBeforeNow(1), Channel.SMS, Action.REMINDER, 2, Outcome.DELIVERED))
                    .contact(contact(daysBeforeNow(2), Channel.EMAIL, Action.REMINDER, 2, Outcome.FAILED))
                    .derive();

            assertThat(c.getCallsLast7Days()).isEqualTo(4);
        }

        @Test
        void countsTheLatestContactsThatBouncedInARowWhateverOrderTheyCameIn() {
            DunningCase repeated = facts()
                    .invoice(anInvoice().daysOverdue(40))
                    .contact(contact(daysBeforeNow(1), Channel.EMAIL, Action.REMINDER, 2, Outcome.BOUNCED))
                    .contact(contact(daysBeforeNow(9), Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED))
                    .contact(contact(daysBeforeNow(4), Channel.SMS, Action.REMINDER, 2, Outcome.BOUNCED))
                    // after asOf: ignored
                    .contact(contact(TestData.NOW.plusSeconds(60), Channel.EMAIL, Action.REMINDER, 2,
                            Outcome.DELIVERED))
                    .derive();
            DunningCase once = facts()
                    .invoice(anInvoice().daysOverdue(40))
                    .contact(contact(daysBeforeNow(4), Channel.EMAIL, Action.REMINDER, 2, Outcome.BOUNCED))
                    .contact(contact(daysBeforeNow(1), Channel.EMAIL, Action.REMINDER, 2, Outcome.BOUNCED))
                    .contact(contact(daysBeforeNow(2), Channel.LETTER, Action.REMINDER, 2, Outcome.SENT))
                    .derive();

            assertThat(repeated.getConsecutiveBounces()).isEqualTo(2);
            assertThat(repeated.isBouncingRepeatedly()).isTrue();
            assertThat(once.getConsecutiveBounces()).isEqualTo(1);
            assertThat(once.isBouncingRepeatedly()).isFalse();
        }

        @Test
        void countsTheContactsThatDrewAComplaintWhateverTheirOutcomeButNotThoseAfterAsOf() {
            DunningCase twice = facts()
                    .invoice(anInvoice().daysOverdue(40))
                    .contact(new ContactAttempt(daysBeforeNow(9), Channel.EMAIL, Action.REMINDER, 1,
                            Outcome.OPENED, Complaint.SPAM_REPORT))
                    .contact(new ContactAttempt(daysBeforeNow(4), Channel.SMS, Action.REMINDER, 2,
                            Outcome.DELIVERED, Complaint.STOP_REPLY))
                    .contact(contact(daysBeforeNow(2), Channel.EMAIL, Action.REMINDER, 2, Outcome.DELIVERED))
                    // after asOf: ignored
                    .contact(new ContactAttempt(TestData.NOW.plusSeconds(60), Channel.EMAIL, Action.REMINDER, 2,
                            Outcome.DELIVERED, Complaint.CUSTOMER))
                    .derive();
            DunningCase once = facts()
                    .invoice(anInvoice().daysOverdue(40))
                    .contact(new ContactAttempt(daysBeforeNow(3), Channel.LETTER, Action.REMINDER, 2, Outcome.SENT,
                            Complaint.CUSTOMER))
                    .contact(contact(daysBeforeNow(1), Channel.EMAIL, Action.REMINDER, 2, Outcome.BOUNCED))
                    .derive();

            assertThat(twice.getComplaints()).isEqualTo(2);
            assertThat(twice.isComplainingRepeatedly()).isTrue();
            assertThat(twice.getStageReached()).isEqualTo(2); // a complaint leaves the outcome, and the stage, as they are
            assertThat(once.getComplaints()).isEqualTo(1);
            assertThat(once.isComplainingRepeatedly()).isFalse();
        }

        @Test
        void theLastConversationIsTheLatestContactWithAConversation() {
            DunningCase c = facts()
                    .invoice(anInvoice().daysOverdue(40))
                    .contact(contact("2025-03-01T18:00:00Z", Channel.PHONE, Action.PHONE_CALL, 3, Outcome.CONVERSATION))
                    // 5 days 1 hour before asOf
                    .contact(contact("2025-03-07T17:00:00Z", Channel.PHONE, Action.PHONE_CALL, 3, Outcome.CONVERSATION))
                    .contact(contact("2025-03-10T18:00:00Z", Channel.PHONE, Action.PHONE_CALL, 3, Outcome.FAILED))
                    .derive();

            assertThat(c.getLastConversation().at()).isEqualTo(Instant.parse("2025-03-07T17:00:00Z"));
            assertThat(c.getDaysSinceLastConversation()).isEqualTo(5);
        }
    }

    @Nested
    class Holds {

        @Test
        void anInvoiceScopedDisputeLeavesThatInvoiceOutButDoesNotHoldTheCustomer() {
            DunningCase c = facts()
                    .invoice(anInvoice().id("I-1").amount("USD", "80.00").daysOverdue(20))
                    .invoice(anInvoice().id("I-2").amount("USD", "40.00").daysOverdue(10))
                    .hold(dispute("I-1", "2025-03-09"))
                    .derive();

            assertThat(c.isOnHold()).isFalse();
            assertThat(c.getHoldKind()).isNull();
            assertThat(c.getActiveHolds()).extracting(Hold::invoiceId).containsExactly("I-1");
            assertThat(c.getOverdueInvoiceIds()).containsExactly("I-2");
            assertThat(c.getOverdueAmountByCurrency().get("USD")).isEqualByComparingTo("40.00");
            assertThat(c.getMaxDaysOverdue()).isEqualTo(10);
            assertThat(c.getDisputedInvoiceNumbers()).containsExactly("N-I-1");
            assertThat(c.getDisputedInvoiceCount()).isEqualTo(1);
            assertThat(c.isOnlyDisputedOverdue()).isFalse();
            assertThat(invoiceCase(c, "I-1").isDisputed()).isTrue();
            assertThat(invoiceCase(c, "I-2").isDisputed()).isFalse();
        }

        @Test
        void whenEveryOverdueInvoiceIsDisputedOnlyDisputesAreLeft() {
            DunningCase c = facts()
                    .invoice(anInvoice().id("I-1").daysOverdue(20).status(InvoiceStatus.DISPUTED))
                    .invoice(anInvoice().id("I-2").daysOverdue(5))
                    .invoice(anInvoice().id("I-3").due("2025-03-30"))
                    .hold(dispute("I-2", "2025-03-10"))
                    .derive();

            assertThat(c.isOverdue()).isFalse();
            assertThat(c.isOnlyDisputedOverdue()).isTrue();
            assertThat(c.getDisputedInvoiceNumbers()).containsExactlyInAnyOrder("N-I-1", "N-I-2");
            assertThat(c.getExposures()).isEmpty();
        }

        @Test
        void aCustomerWideHoldHoldsTheCustomerAndKeepsTheFigures() {
            DunningCase c = facts()
                    .invoice(anInvoice().id("I-1").daysOverdue(20))
                    .hold(hold(HoldKind.PROMISE_TO_PAY, "2025-03-10", "2025-03-20"))
                    .derive();

            assertThat(c.isOnHold()).isTrue();
            assertThat(c.getHoldKind()).isEqualTo("PROMISE_TO_PAY");
            assertThat(c.getHoldFrom()).isEqualTo(LocalDate.of(2025, 3, 10));
            assertThat(c.getHoldUntil()).isEqualTo(LocalDate.of(2025, 3, 20));
            assertThat(c.getOverdueInvoiceIds()).containsExactly("I-1");
        }

        @ParameterizedTest(name = "hold from {0} until {1} is active on 2025-03-12: {2}")
        @CsvSource({
            "2025-03-12, 2025-03-20, true",   // starts today
            "2025-03-01, 2025-03-12, true",   // ends today (until is the last day)
            "2025-03-01, 2025-03-11, false",  // ended yesterday
            "2025-03-13, 2025-03-20, false",  // starts tomorrow
            "2025-01-01,           , true",   // open-ended, started long ago
            "2025-03-13,           , false"   // open-ended, not yet started
        })
        void aHoldIsActiveFromItsFirstToItsLastDayInclusive(String from, String until, boolean active) {
            DunningCase c = facts()
                    .invoice(anInvoice().daysOverdue(20))
                    .hold(hold(HoldKind.MANUAL, from, until))
                    .derive();

            assertThat(c.isOnHold()).isEqualTo(active);
            assertThat(c.getActiveHolds()).hasSize(active ? 1 : 0);
        }

        @Test
        void holdDaysAreCustomerLocalDays() {
            // 2025-03-13T06:00Z is 2025-03-12 23:00 in Los Angeles: a hold ending 2025-03-12 still applies there.
            DunningCase c = facts()
                    .asOf("2025-03-13T06:00:00Z")
                    .invoice(anInvoice().daysOverdue(20))
                    .hold(hold(HoldKind.LEGAL, "2025-03-01", "2025-03-12"))
                    .derive();
            DunningCase berlin = facts()
                    .asOf("2025-03-13T06:00:00Z")
                    .customer(aCustomer().in("DE", "Europe/Berlin", "EUR"))
                    .invoice(anInvoice().daysOverdue(20))
                    .hold(hold(HoldKind.LEGAL, "2025-03-01", "2025-03-12"))
                    .derive();

            assertThat(c.isOnHold()).isTrue();
            assertThat(berlin.isOnHold()).isFalse();
        }

        @Test
        void theOpenEndedCustomerHoldOutlastsADatedOne() {
            DunningCase c = facts()
                    .invoice(anInvoice().daysOverdue(20))
                    .hold(hold(HoldKind.PROMISE_TO_PAY, "2025-03-10", "2025-06-30"))
                    .hold(hold(HoldKind.BANKRUPTCY, "2025-03-11", null))
                    .hold(hold(HoldKind.MANUAL, "2025-03-01", "2025-04-30"))
                    .derive();

            assertThat(c.getActiveHolds()).hasSize(3);
            assertThat(c.getHoldKind()).isEqualTo("BANKRUPTCY");
            assertThat(c.getHoldUntil()).isNull();
            assertThat(c.getHoldFrom()).isEqualTo(LocalDate.of(2025, 3, 11));
        }

        @Test
        void amongDatedCustomerHoldsTheOneEndingLastDecides() {
            DunningCase c = facts()
                    .invoice(anInvoice().daysOverdue(20))
                    .hold(hold(HoldKind.PROMISE_TO_PAY, "2025-03-10", "2025-03-15"))
                    .hold(hold(HoldKind.LEGAL, "2025-03-01", "2025-04-30"))
                    .hold(hold(HoldKind.MANUAL, "2025-03-11", "2025-03-31"))
                    .derive();

            assertThat(c.getHoldKind()).isEqualTo("LEGAL");
            assertThat(c.getHoldUntil()).isEqualTo(LocalDate.of(2025, 4, 30));
        }

        @Test
        void anInvoiceScopedHoldNeverBecomesTheCustomerHold() {
            DunningCase c = facts()
                    .invoice(anInvoice().id("I-1").daysOverdue(20))
                    .invoice(anInvoice().id("I-2").daysOverdue(20))
                    .hold(invoiceHold(HoldKind.BANKRUPTCY, "I-1", "2025-03-01", null))
                    .hold(hold(HoldKind.PROMISE_TO_PAY, "2025-03-10", "2025-03-15"))
                    .derive();

            assertThat(c.getHoldKind()).isEqualTo("PROMISE_TO_PAY");
            assertThat(c.getOverdueInvoiceIds()).containsExactly("I-2");
        }
    }

    @Nested
    class Time {

        @Test
        void withoutAsOfTheClocksInstantIsUsed() {
            Clock clock = Clock.fixed(Instant.parse("2025-04-01T12:00:00Z"), ZoneOffset.UTC);
            DunningCase c = facts().withoutAsOf().invoice(anInvoice().id("I-1").due("2025-03-02")).derive(clock);

            assertThat(c.getAsOf()).isEqualTo(Instant.parse("2025-04-01T12:00:00Z"));
            // 05:00 PDT on 2025-04-01; 2025-03-02 -> 2025-04-01 is 30 days.
            assertThat(c.getToday()).isEqualTo(LocalDate.of(2025, 4, 1));
            assertThat(c.getLocalHour()).isEqualTo(5);
            assertThat(invoiceCase(c, "I-1").getDaysOverdue()).isEqualTo(30);
        }

        @Test
        void anExplicitAsOfWinsOverTheClock() {
            Clock clock = Clock.fixed(Instant.parse("2025-04-01T12:00:00Z"), ZoneOffset.UTC);
            DunningCase c = facts().asOf("2025-03-12T18:00:00Z").invoice(anInvoice().id("I-1").due("2025-03-02"))
                    .derive(clock);

            assertThat(c.getAsOf()).isEqualTo(Instant.parse("2025-03-12T18:00:00Z"));
            assertThat(invoiceCase(c, "I-1").getDaysOverdue()).isEqualTo(10);
        }

        @Test
        void localDateTimeIsInTheCustomersZone() {
            DunningCase c = facts().derive();

            assertThat(c.getLocalDateTime().toLocalDateTime()).isEqualTo(LocalDateTime.of(2025, 3, 12, 11, 0));
            assertThat(c.getLocalDateTime().getZone().getId()).isEqualTo("America/Los_Angeles");
            assertThat(c.getToday()).isEqualTo(TODAY_LA);
            assertThat(c.getLocalTime()).isEqualTo(LocalTime.of(11, 0));
        }

        @ParameterizedTest(name = "{0} at {1} is {2} {3}:xx local")
        @CsvSource({
            // New York, spring forward 2025-03-09 02:00 EST -> 03:00 EDT
            "America/New_York, 2025-03-09T04:59:59Z, 2025-03-08, 23",
            "America/New_York, 2025-03-09T05:00:00Z, 2025-03-09, 0",
            "America/New_York, 2025-03-09T06:59:59Z, 2025-03-09, 1",
            "America/New_York, 2025-03-09T07:00:00Z, 2025-03-09, 3",
            "America/New_York, 2025-03-10T03:59:59Z, 2025-03-09, 23",
            "America/New_York, 2025-03-10T04:00:00Z, 2025-03-10, 0",
            // New York, fall back 2025-11-02 02:00 EDT -> 01:00 EST
            "America/New_York, 2025-11-02T03:59:59Z, 2025-11-01, 23",
            "America/New_York, 2025-11-02T04:00:00Z, 2025-11-02, 0",
            "America/New_York, 2025-11-02T05:30:00Z, 2025-11-02, 1",
            "America/New_York, 2025-11-02T06:30:00Z, 2025-11-02, 1",
            "America/New_York, 2025-11-03T04:59:59Z, 2025-11-02, 23",
            "America/New_York, 2025-11-03T05:00:00Z, 2025-11-03, 0",
            // Berlin, spring forward 2025-03-30 02:00 CET -> 03:00 CEST
            "Europe/Berlin, 2025-03-29T22:59:59Z, 2025-03-29, 23",
            "Europe/Berlin, 2025-03-29T23:00:00Z, 2025-03-30, 0",
            "Europe/Berlin, 2025-03-30T00:59:59Z, 2025-03-30, 1",
            "Europe/Berlin, 2025-03-30T01:00:00Z, 2025-03-30, 3",
            "Europe/Berlin, 2025-03-30T21:59:59Z, 2025-03-30, 23",
            "Europe/Berlin, 2025-03-30T22:00:00Z, 2025-03-31, 0"
        })
        void localDateAndHourFollowDaylightSavingChanges(String zone, String asOf, LocalDate date, int hour) {
            DunningCase c = facts().asOf(asOf).customer(aCustomer().inTimeZone(zone)).derive();

            assertThat(c.getToday()).isEqualTo(date);
            assertThat(c.getLocalHour()).isEqualTo(hour);
        }

        @ParameterizedTest(name = "{0} at {1}: next 08:00 local is {2}")
        @CsvSource({
            // 01:30 EST on the spring-forward day: 08:00 that day is already EDT (UTC-4)
            "America/New_York, 2025-03-09T06:30:00Z, 2025-03-09T12:00:00Z",
            // 22:30 EST the evening before: the next 08:00 is EDT
            "America/New_York, 2025-03-09T03:30:00Z, 2025-03-09T12:00:00Z",
            // exactly 08:00 EDT: now
            "America/New_York, 2025-03-09T12:00:00Z, 2025-03-09T12:00:00Z",
            // a second past 08:00: tomorrow
            "America/New_York, 2025-03-09T12:00:01Z, 2025-03-10T12:00:00Z",
            // 23:30 EDT the evening before fall back: 08:00 next day is EST (UTC-5)
            "America/New_York, 2025-11-02T03:30:00Z, 2025-11-02T13:00:00Z",
            // 00:30 EDT, 01:30 EDT and the second 01:30 (EST) on the fall-back day
            "America/New_York, 2025-11-02T04:30:00Z, 2025-11-02T13:00:00Z",
            "America/New_York, 2025-11-02T05:30:00Z, 2025-11-02T13:00:00Z",
            "America/New_York, 2025-11-02T06:30:00Z, 2025-11-02T13:00:00Z",
            // 22:30 CET the evening before Berlin springs forward: 08:00 CEST (UTC+2)
            "Europe/Berlin, 2025-03-29T21:30:00Z, 2025-03-30T06:00:00Z",
            // 01:30 CET on the day itself
            "Europe/Berlin, 2025-03-30T00:30:00Z, 2025-03-30T06:00:00Z",
            // 09:00 CEST: tomorrow 08:00 CEST
            "Europe/Berlin, 2025-03-30T07:00:00Z, 2025-03-31T06:00:00Z"
        })
        void nextLocalEightOClockIsTheRightInstantAcrossDaylightSavingChanges(String zone, String asOf, String expected) {
            DunningCase c = facts().asOf(asOf).customer(aCustomer().inTimeZone(zone)).derive();

            assertThat(c.nextLocal(LocalTime.of(8, 0))).isEqualTo(Instant.parse(expected));
        }

        @Test
        void daysOverdueFollowTheLocalCalendarAcrossTheSpringForwardNight() {
            var ny = aCustomer().inTimeZone("America/New_York");
            var invoice = anInvoice().id("I-1").due("2025-03-08");

            // 2025-03-09T04:59:59Z is 23:59:59 EST on 2025-03-08, the due date: not yet overdue.
            DunningCase dueDay = facts().asOf("2025-03-09T04:59:59Z").customer(ny).invoice(invoice).derive();
            // 2025-03-10T03:59:59Z is 23:59:59 EDT on 2025-03-09 (a 23-hour day): 1 day overdue, although UTC says 10th.
            DunningCase firstDay = facts().asOf("2025-03-10T03:59:59Z").customer(ny).invoice(invoice).derive();
            DunningCase secondDay = facts().asOf("2025-03-10T04:00:00Z").customer(ny).invoice(invoice).derive();

            assertThat(dueDay.isOverdue()).isFalse();
            assertThat(dueDay.getNextDueDate()).isEqualTo(LocalDate.of(2025, 3, 8));
            assertThat(invoiceCase(firstDay, "I-1").getDaysOverdue()).isEqualTo(1);
            assertThat(invoiceCase(secondDay, "I-1").getDaysOverdue()).isEqualTo(2);
        }

        @Test
        void theEpisodeStartsAtLocalMidnightEvenOnADaylightSavingDay() {
            // Due 2025-11-01 in New York: the episode begins 2025-11-02 00:00 EDT = 2025-11-02T04:00Z.
            var ny = aCustomer().inTimeZone("America/New_York");
            var invoice = anInvoice().id("I-1").due("2025-11-01");
            DunningCase before = facts().asOf("2025-11-10T15:00:00Z").customer(ny).invoice(invoice)
                    .contact(contact("2025-11-02T03:59:59Z", Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED))
                    .derive();
            DunningCase inside = facts().asOf("2025-11-10T15:00:00Z").customer(ny).invoice(invoice)
                    .contact(contact("2025-11-02T04:00:00Z", Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED))
                    .derive();

            assertThat(before.getStageReached()).isZero();
            assertThat(inside.getStageReached()).isEqualTo(1);
        }
    }
}
