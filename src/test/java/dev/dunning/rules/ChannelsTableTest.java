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
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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

/**
 * decision-tables/channels.xlsx: sheet Channels (channels to try, best first; never one without consent) and sheet
 * Contact limits (no contact before 8:00 or after 21:00 local time; US third-party call limits). Today is 2025-03-12,
 * 11:00 in Los Angeles unless a test says otherwise.
 */
class ChannelsTableTest {

    private static final String TABLE = "decision-tables/channels.xlsx";

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

    /** Asserts that exactly this row of the sheet applied (and any other row of the sheet was overridden). */
    private static TraceEntry assertAppliedRow(Decision d, String sheet, String policy) {
        List<TraceEntry> applied = d.getTrace().stream()
                .filter(t -> TABLE.equals(t.source()) && sheet.equals(t.sheet()) && !t.overridden())
                .toList();
        assertThat(applied).as("applied rows of %s!%s in %s", TABLE, sheet, d.getTrace()).singleElement()
                .satisfies(t -> {
                    assertThat(t.metadata()).containsEntry("policy", policy);
                    assertThat(t.row()).isEqualTo(sheetRow(sheet, policy));
                    assertThat(t.group()).isEqualTo("channel");
                });
        return applied.get(0);
    }

    private static FactsBuilder firstReminder(CustomerBuilder customer) {
        return facts().customer(customer).invoice(anInvoice().id("I-1").daysOverdue(5));
    }

    private static FactsBuilder callDue(CustomerBuilder customer) {
        return facts()
                .customer(customer)
                .invoice(anInvoice().id("I-1").daysOverdue(31))
                .contact(contact(daysBeforeNow(16), Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED))
                .contact(contact(daysBeforeNow(8), Channel.EMAIL, Action.REMINDER, 2, Outcome.DELIVERED));
    }

    private static FactsBuilder finalNoticeDue(CustomerBuilder customer) {
        return facts()
                .customer(customer)
                .invoice(anInvoice().id("I-1").daysOverdue(46))
                .contact(contact(daysBeforeNow(15), Channel.PHONE, Action.PHONE_CALL, 3, Outcome.CONVERSATION));
    }

    private static FactsBuilder paymentPlanDue(CustomerBuilder customer) {
        return facts()
                .customer(customer)
                .invoice(anInvoice().id("I-1").amount("USD", "1500.00").daysOverdue(31))
                .contact(contact(daysBeforeNow(16), Channel.EMAIL, Action.REMINDER, 1, Outcome.DELIVERED))
                .contact(contact(daysBeforeNow(8), Channel.EMAIL, Action.REMINDER, 2, Outcome.DELIVERED));
    }

    @Nested
    class Preference {

        @Test
        void remindsAConsumerByEmailFirst() {
            Decision d = decide(firstReminder(aCustomer()));

            assertThat(d.decidedAction()).isEqualTo(Action.REMINDER);
            assertThat(d.getChannel()).isEqualTo("EMAIL");
            assertThat(assertAppliedRow(d, "Channels", "CHN-01").effects()).containsExactly("channels [EMAIL, SMS, LETTER]");
        }

        @Test
        void fallsBackToSmsWithoutEmailConsent() {
            Decision d = decide(firstReminder(aCustomer().withoutConsent(Channel.EMAIL)));

            assertThat(d.decidedAction()).isEqualTo(Action.REMINDER);
            assertThat(d.getChannel()).isEqualTo("SMS");
            assertThat(d.getReasons()).contains("Not by EMAIL (no consent); using SMS");
            assertAppliedRow(d, "Channels", "CHN-01");
        }

        @Test
        void fallsBackToALetterWithoutEmailOrSmsConsent() {
            Decision d = decide(firstReminder(aCustomer().withoutConsent(Channel.EMAIL, Channel.SMS)));

            assertThat(d.getChannel()).isEqualTo("LETTER");
            assertThat(d.getReasons()).contains("Not by EMAIL (no consent), SMS (no consent); using LETTER");
        }

        @Test
        void neverUsesAChannelWithoutConsentAndLetsAPersonDecideInstead() {
            Decision d = decide(firstReminder(
                    aCustomer().withoutConsent(Channel.EMAIL, Channel.SMS, Channel.PHONE, Channel.LETTER)));

            assertThat(d.decidedAction()).isEqualTo(Action.MANUAL_REVIEW);
            assertThat(d.getChannel()).isEqualTo("NONE");
            assertThat(d.getTemplate()).isNull();
            assertThat(d.getReasons()).anySatisfy(r -> assertThat(r).startsWith(
                    "No permitted channel for Reminder: EMAIL (no consent), SMS (no consent), LETTER (no consent)"));
        }

        @Test
        void remindsABusinessByEmailAndOtherwiseByLetterNeverBySms() {
            var business = aCustomer().segment(Segment.SMALL_BUSINESS);
            Decision email = decide(facts().customer(business)
                    .invoice(anInvoice().amount("USD", "900.00").daysOverdue(8)));
            Decision letter = decide(facts().customer(aCustomer().segment(Segment.SMALL_BUSINESS)
                            .withoutConsent(Channel.EMAIL))
                    .invoice(anInvoice().amount("USD", "900.00").daysOverdue(8)));

            assertThat(email.getChannel()).isEqualTo("EMAIL");
            assertAppliedRow(email, "Channels", "CHN-02");
            assertThat(letter.getChannel()).isEqualTo("LETTER");
            assertAppliedRow(letter, "Channels", "CHN-02");
        }

        @Test
        void callsByPhone() {
            Decision d = decide(callDue(aCustomer()));

            assertThat(d.decidedAction()).isEqualTo(Action.PHONE_CALL);
            assertThat(d.getChannel()).isEqualTo("PHONE");
            assertAppliedRow(d, "Channels", "CHN-03");
        }

        @Test
        void sendsALetterWhenACallIsNotConsented() {
            Decision d = decide(callDue(aCustomer().withoutConsent(Channel.PHONE)));

            assertThat(d.decidedAction()).isEqualTo(Action.REMINDER);
            assertThat(d.getChannel()).isEqualTo("LETTER");
            assertThat(d.getStage()).isEqualTo(3);
            assertThat(d.getReasons()).contains("Not by PHONE (no consent); using LETTER",
                    "A call is not possible, so a reminder goes by LETTER instead");
            assertAppliedRow(d, "Channels", "CHN-03");
        }

        @Test
        void sendsFinalNoticesByPostAndOtherwiseByEmail() {
            Decision letter = decide(finalNoticeDue(aCustomer()));
            Decision email = decide(finalNoticeDue(aCustomer().withoutConsent(Channel.LETTER)));

            assertThat(letter.decidedAction()).isEqualTo(Action.FINAL_NOTICE);
            assertThat(letter.getChannel()).isEqualTo("LETTER");
            assertAppliedRow(letter, "Channels", "CHN-04");
            assertThat(email.decidedAction()).isEqualTo(Action.FINAL_NOTICE);
            assertThat(email.getChannel()).isEqualTo("EMAIL");
        }

        @Test
        void asksForANewPaymentMethodWhereTheCustomerReadsItSoonest() {
            Decision email = decide(facts().invoice(anInvoice().daysOverdue(2).failed(1, "expired_card")));
            Decision sms = decide(facts().customer(aCustomer().withoutConsent(Channel.EMAIL))
                    .invoice(anInvoice().daysOverdue(2).failed(1, "expired_card")));

            assertThat(email.decidedAction()).isEqualTo(Action.UPDATE_PAYMENT_METHOD);
            assertThat(email.getChannel()).isEqualTo("EMAIL");
            assertAppliedRow(email, "Channels", "CHN-05");
            assertThat(sms.getChannel()).isEqualTo("SMS");
        }

        @Test
        void offersPaymentPlansByEmailOrLetter() {
            Decision email = decide(paymentPlanDue(aCustomer()));
            Decision letter = decide(paymentPlanDue(aCustomer().withoutConsent(Channel.EMAIL)));

            assertThat(email.decidedAction()).isEqualTo(Action.OFFER_PAYMENT_PLAN);
            assertThat(email.getChannel()).isEqualTo("EMAIL");
            assertAppliedRow(email, "Channels", "CHN-06");
            assertThat(letter.getChannel()).isEqualTo("LETTER");
        }

        @Test
        void contactsNobodyWhoAskedNotToBeContacted() {
            Decision d = decide(firstReminder(aCustomer().doNotContact()));

            assertThat(d.decidedAction()).isEqualTo(Action.MANUAL_REVIEW);
            assertThat(d.getChannel()).isEqualTo("NONE");
            assertThat(d.getNotBefore()).isNull();
            assertThat(d.getReasons())
                    .contains("The customer asked not to be contacted; Reminder goes to a person instead");
        }

        @Test
        void choosesNoChannelForAnActionThatContactsNobody() {
            Decision d = decide(facts().invoice(anInvoice().daysOverdue(5).failed(1, "insufficient_funds")));

            assertThat(d.decidedAction()).isEqualTo(Action.RETRY_PAYMENT);
            assertThat(d.getChannel()).isEqualTo("NONE");
            assertThat(d.getTrace()).noneMatch(t -> "Channels".equals(t.sheet()));
        }
    }

    @Nested
    class QuietHours {

        @ParameterizedTest(name = "{0} at {1} (due {2}) -> not before {3}")
        @CsvSource({
            // Los Angeles, PDT (UTC-7)
            "America/Los_Angeles, 2025-03-12T05:30:00Z, 2025-03-06, 2025-03-12T15:00:00Z", // 22:30 the evening before
            "America/Los_Angeles, 2025-03-12T13:30:00Z, 2025-03-07, 2025-03-12T15:00:00Z", // 06:30
            "America/Los_Angeles, 2025-03-12T15:00:00Z, 2025-03-07, -",                    // 08:00 sharp
            "America/Los_Angeles, 2025-03-13T03:59:00Z, 2025-03-07, -",                    // 20:59
            "America/Los_Angeles, 2025-03-13T04:00:00Z, 2025-03-07, 2025-03-13T15:00:00Z", // 21:00
            // New York, spring forward 2025-03-09: 08:00 that day is EDT (UTC-4)
            "America/New_York, 2025-03-09T03:30:00Z, 2025-03-03, 2025-03-09T12:00:00Z",    // 22:30 EST, 8 March
            "America/New_York, 2025-03-09T06:30:00Z, 2025-03-04, 2025-03-09T12:00:00Z",    // 01:30 EST
            // New York, fall back 2025-11-02: 08:00 that day is EST (UTC-5)
            "America/New_York, 2025-11-02T03:30:00Z, 2025-10-27, 2025-11-02T13:00:00Z",    // 23:30 EDT, 1 November
            "America/New_York, 2025-11-02T06:30:00Z, 2025-10-28, 2025-11-02T13:00:00Z",    // the second 01:30 (EST)
            // Berlin, spring forward 2025-03-30 (CET UTC+1 -> CEST UTC+2) and fall back 2025-10-26
            "Europe/Berlin, 2025-03-29T21:30:00Z, 2025-03-24, 2025-03-30T06:00:00Z",        // 22:30 CET, 29 March
            "Europe/Berlin, 2025-03-30T05:30:00Z, 2025-03-25, 2025-03-30T06:00:00Z",        // 07:30 CEST
            "Europe/Berlin, 2025-10-26T04:30:00Z, 2025-10-21, 2025-10-26T07:00:00Z"         // 05:30 CET
        })
        void holdsAnEmailBackUntilEightOClockLocalTime(String zone, String asOf, String due, String notBefore) {
            Decision d = decide(facts().asOf(asOf).customer(aCustomer().inTimeZone(zone))
                    .invoice(anInvoice().id("I-1").due(due)));

            assertThat(d.decidedAction()).isEqualTo(Action.REMINDER);
            assertThat(d.getChannel()).isEqualTo("EMAIL");
            if (notBefore.equals("-")) {
                assertThat(d.getNotBefore()).isNull();
                assertThat(d.getReasons()).noneMatch(r -> r.startsWith("Quiet hours"));
            } else {
                assertThat(d.getNotBefore()).isEqualTo(Instant.parse(notBefore));
                assertThat(d.getReasons()).anySatisfy(r -> assertThat(r).startsWith("Quiet hours").contains(notBefore));
            }
            assertAppliedRow(d, "Contact limits", "LIM-02");
        }

        @Test
        void holdsBackTextMessagesToo() {
            Decision d = decide(facts().asOf("2025-03-12T05:30:00Z")
                    .customer(aCustomer().withoutConsent(Channel.EMAIL))
                    .invoice(anInvoice().id("I-1").due("2025-03-06")));

            assertThat(d.getChannel()).isEqualTo("SMS");
            assertThat(d.getNotBefore()).isEqualTo(Instant.parse("2025-03-12T15:00:00Z"));
        }

        @Test
        void holdsBackCallsAfterNineInTheEvening() {
            // 21:30 PDT on 2025-03-12: the call waits for 08:00 on the 13th.
            Decision d = decide(callDue(aCustomer()).asOf("2025-03-13T04:30:00Z"));

            assertThat(d.decidedAction()).isEqualTo(Action.PHONE_CALL);
            assertThat(d.getNotBefore()).isEqualTo(Instant.parse("2025-03-13T15:00:00Z"));
        }

        @Test
        void doesNotHoldBackALetter() {
            Decision d = decide(facts().asOf("2025-03-12T05:30:00Z")
                    .customer(aCustomer().withoutConsent(Channel.EMAIL, Channel.SMS))
                    .invoice(anInvoice().id("I-1").due("2025-03-06")));

            assertThat(d.getChannel()).isEqualTo("LETTER");
            assertThat(d.getNotBefore()).isNull();
        }

        @Test
        void thirdPartyCollectionAddsCallLimitsToTheSameHours() {
            Decision d = decide(firstReminder(aCustomer().thirdPartyCollection()).asOf("2025-03-12T05:30:00Z"));

            assertThat(d.getNotBefore()).isEqualTo(Instant.parse("2025-03-12T15:00:00Z"));
            assertThat(d.getMaxCallsPer7Days()).isEqualTo(7);
            assertThat(d.getQuietDaysAfterConversation()).isEqualTo(7);
            assertAppliedRow(d, "Contact limits", "LIM-01");
            // LIM-02 is for first-party collection only
            assertThat(d.getTrace()).noneMatch(t -> "LIM-02".equals(t.metadata().get("policy")));
        }

        @Test
        void setsNoCallLimitsForFirstPartyCollection() {
            Decision d = decide(firstReminder(aCustomer()));

            assertThat(d.getMaxCallsPer7Days()).isNull();
            assertThat(d.getQuietDaysAfterConversation()).isNull();
            assertThat(d.getTrace()).noneMatch(t -> "LIM-01".equals(t.metadata().get("policy")));
        }
    }
}
