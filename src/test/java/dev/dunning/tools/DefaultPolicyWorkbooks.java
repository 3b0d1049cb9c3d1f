package dev.dunning.tools;

import dev.dunning.tools.PolicyWorkbook.SheetSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the shipped default policy workbooks into decision-tables/. The workbooks, not this class, are the policy:
 * credit controllers edit them in a spreadsheet program. Run this only to recreate them from scratch:
 * {@code ./mvnw -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.dunning.tools.DefaultPolicyWorkbooks}
 */
public final class DefaultPolicyWorkbooks {

    static final String D = "dev.dunning.decision.";
    static final String OTHER_CURRENCIES = "\"EUR\", \"USD\", \"GBP\"";

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "decision-tables");
        PolicyWorkbook.write(dir.resolve("escalation.xlsx"), List.of(ladder(), paymentFailures()));
        PolicyWorkbook.write(dir.resolve("holds.xlsx"), List.of(holds()));
        PolicyWorkbook.write(dir.resolve("channels.xlsx"), List.of(channels(), contactLimits()));
        PolicyWorkbook.write(dir.resolve("fees.xlsx"), List.of(fees()));
    }

    /** One rung of a segment's ladder. */
    record Step(String policy, int stage, String action, int daysFrom, int interval, String why, String minimum) {
        Step(String policy, int stage, String action, int daysFrom, int interval, String why) {
            this(policy, stage, action, daysFrom, interval, why, null);
        }
    }

    static SheetSpec ladder() {
        SheetSpec s = new SheetSpec("Ladder", "dunning.escalation.ladder", "escalation", 10000)
                .imports(D + "Exposure", D + "Decision")
                .note("Escalation ladder: one row per step, worst step first; the first row that matches wins.")
                .note("A row matches the overdue position of one currency; the step covers all overdue invoices in "
                        + "one message.")
                .note("Empty cells do not constrain. Thresholds are per currency: amounts in different currencies "
                        + "are never added.")
                .metadata("policy(\"$param\")", "Policy", 10)
                .condition("Exposure", "segment == \"$param\"", "Segment", 16)
                .condition("Exposure", "currency == \"$param\"", "Currency", 10)
                .condition("Exposure", "currency not in ($param)", "Other currencies (not one of)", 22)
                .condition("Exposure", "overdueAmount >= $param", "Overdue at least", 12)
                .condition("Exposure", "maxDaysOverdue >= $param", "Days overdue from", 12)
                .condition("Exposure", "stageReached >= $param", "Stage reached from", 12)
                .condition("Exposure", "stageReached <= $param", "Stage reached up to", 12)
                .action("decision.propose(\"$param\");", "Action", 22)
                .action("decision.stage($param);", "Stage", 8)
                .action("decision.daysBetweenContacts($param);", "Days between contacts", 12)
                .description("Description", 70);
        ladderFor(s, "CONSUMER", "5", "5", "5", List.of(
                new Step("ESC-C6", 6, "COLLECTION_HANDOVER", 90, 14,
                        "hand-over to a collection agency, for a person to approve"),
                new Step("ESC-C5", 5, "SUSPEND_SERVICE", 60, 14, "suspend the service, for a person to approve"),
                new Step("ESC-C4", 4, "FINAL_NOTICE", 45, 14, "final notice before suspension, formal"),
                new Step("ESC-C3P", 3, "OFFER_PAYMENT_PLAN", 30, 7,
                        "a large debt: offer a payment plan instead of a call", "1000"),
                new Step("ESC-C3", 3, "PHONE_CALL", 30, 7, "a call by a collector, firm"),
                new Step("ESC-C2", 2, "REMINDER", 14, 7, "second reminder, neutral"),
                new Step("ESC-C1", 1, "REMINDER", 3, 7,
                        "first friendly reminder after 3 days of grace for bank transfers")));
        for (String segment : List.of("SMALL_BUSINESS", "ENTERPRISE")) {
            ladderFor(s, segment, "25", "25", "20", List.of(
                    new Step("ESC-B5", 5, "COLLECTION_HANDOVER", 80, 14,
                            "hand-over (collection agency or court dunning), for a person to approve"),
                    new Step("ESC-B4", 4, "FINAL_NOTICE", 50, 14, "final notice, formal"),
                    new Step("ESC-B3", 3, "PHONE_CALL", 35, 10, "call to accounts payable, firm"),
                    new Step("ESC-B2", 2, "REMINDER", 21, 10, "second reminder"),
                    new Step("ESC-B1", 1, "REMINDER", 7, 10, "first reminder after 7 days of grace")));
        }
        ladderFor(s, "PUBLIC_SECTOR", "25", "25", "20", List.of(
                new Step("ESC-P5", 5, "MANUAL_REVIEW", 90, 14, "a person takes over; public bodies are not handed over"),
                new Step("ESC-P4", 4, "FINAL_NOTICE", 60, 14, "final notice, formal"),
                new Step("ESC-P3", 3, "PHONE_CALL", 45, 14, "call to the paying office"),
                new Step("ESC-P2", 2, "REMINDER", 30, 14, "second reminder"),
                new Step("ESC-P1", 1, "REMINDER", 14, 14, "first reminder after 14 days (long payment runs)")));
        return s;
    }

    private static void ladderFor(SheetSpec s, String segment, String eur, String usd, String gbp, List<Step> steps) {
        for (Step step : steps) {
            String reached = Integer.toString(step.stage() - 1);
            String days = Integer.toString(step.daysFrom());
            String text = step.policy() + ": " + segment.toLowerCase().replace('_', ' ') + ", stage " + step.stage()
                    + " from " + step.daysFrom() + " days overdue: " + step.why() + "; at least " + step.interval()
                    + " days between contacts";
            for (String[] cur : new String[][] {{"EUR", eur}, {"USD", usd}, {"GBP", gbp}}) {
                String minimum = step.minimum() != null ? step.minimum() : cur[1];
                s.row(step.policy(), segment, cur[0], "", minimum, days, reached, reached, step.action(),
                        Integer.toString(step.stage()), Integer.toString(step.interval()),
                        text + " (only from " + cur[0] + " " + minimum + " overdue)");
            }
            if (step.minimum() != null) {
                continue; // a step for large debts only: no row for currencies without a threshold
            }
            s.row(step.policy(), segment, "", OTHER_CURRENCIES, "", days, reached, reached, step.action(),
                    Integer.toString(step.stage()), Integer.toString(step.interval()), text + " (other currencies)");
        }
    }

    static SheetSpec paymentFailures() {
        return new SheetSpec("Payment failures", "dunning.escalation.payments", "escalation", 20000)
                .imports(D + "InvoiceCase", D + "Decision")
                .note("Failed card or direct-debit payments. These rows come before the ladder; first match wins.")
                .note("Decline classes come from the decline-code list (SOFT: retry later, HARD: never retry).")
                .metadata("policy(\"$param\")", "Policy", 10)
                .condition("InvoiceCase", "declineClass == \"$param\"", "Decline class", 12)
                .condition("InvoiceCase", "failedAttempts >= $param", "Failed attempts from", 12)
                .condition("InvoiceCase", "failedAttempts <= $param", "Failed attempts up to", 12)
                .condition("InvoiceCase", "daysOverdue <= $param", "Days overdue up to", 12)
                .condition("InvoiceCase", "daysSinceLastFailure >= $param", "Days since last failure from", 14)
                .condition("InvoiceCase", "disputed == $param", "Disputed", 10)
                .action("decision.propose(\"$param\");", "Action", 24)
                .action("decision.daysBetweenContacts($param);", "Days between contacts", 12)
                .description("Description", 70)
                .row("PAY-01", "HARD", "1", "", "30", "", "false", "UPDATE_PAYMENT_METHOD", "7",
                        "PAY-01: hard decline (lost, stolen or expired card, closed account): never retry; ask the "
                                + "customer for a new payment method")
                .row("PAY-02", "SOFT", "1", "3", "21", "3", "false", "RETRY_PAYMENT", "",
                        "PAY-02: soft decline (e.g. insufficient funds): retry the payment, at least 3 days after the "
                                + "last failure, at most 3 retries within three weeks")
                .row("PAY-03", "SOFT", "4", "", "30", "", "false", "UPDATE_PAYMENT_METHOD", "7",
                        "PAY-03: retries used up: ask the customer for another payment method");
    }

    static SheetSpec holds() {
        return new SheetSpec("Holds", "dunning.holds.table", "holds", 10000)
                .imports(D + "DunningCase", D + "Decision")
                .note("Holds pause dunning. A hold with an end date is reviewed the day after it ends; an open-ended "
                        + "hold after the days below.")
                .metadata("policy(\"$param\")", "Policy", 10)
                .condition("DunningCase", "holdKind == \"$param\"", "Customer-wide hold", 20)
                .condition("DunningCase", "onlyDisputedOverdue == $param", "Only disputed invoices overdue", 16)
                .action("decision.hold($param);", "Review an open-ended hold after (days)", 16)
                .description("Description", 70)
                .row("HLD-02", "PROMISE_TO_PAY", "", "7", "HLD-02: promise to pay: no dunning while the promise is kept")
                .row("HLD-03", "PAYMENT_PLAN", "", "30", "HLD-03: payment plan being kept: no dunning")
                .row("HLD-04", "BANKRUPTCY", "", "90", "HLD-04: insolvency proceedings: creditors may not dun; "
                        + "claims go to the administrator")
                .row("HLD-05", "BREATHING_SPACE", "", "60", "HLD-05: UK breathing space: standard 60 days with no "
                        + "creditor contact, interest and fees frozen (mental-health crisis: treatment plus 30 days, "
                        + "give the end date)")
                .row("HLD-06", "LEGAL", "", "30", "HLD-06: legal hold: no dunning until counsel releases it")
                .row("HLD-07", "MANUAL", "", "14", "HLD-07: a credit controller paused dunning")
                .row("HLD-08", "DISPUTE", "", "30", "HLD-08: the customer disputes the account as a whole")
                .row("HLD-09", "", "true", "14", "HLD-09: every overdue invoice is disputed: nothing to dun until "
                        + "the disputes are resolved");
    }

    static SheetSpec channels() {
        return new SheetSpec("Channels", "dunning.channel.preference", "channel", 10000)
                .imports(D + "Decision")
                .note("Channels to try, best first. The first channel the customer consented to and no guardrail "
                        + "barred is used; never one without consent.")
                .metadata("policy(\"$param\")", "Policy", 10)
                .condition("Decision", "action == \"$param\"", "Action", 24)
                .condition("Decision", "dunningCase.segment == \"$param\"", "Segment", 16)
                .action("decision.channels(\"$param\");", "Channels, best first", 24)
                .description("Description", 60)
                .row("CHN-01", "REMINDER", "CONSUMER", "EMAIL, SMS, LETTER", "CHN-01: consumers: email first")
                .row("CHN-02", "REMINDER", "", "EMAIL, LETTER", "CHN-02: businesses: email to accounts payable")
                .row("CHN-03", "PHONE_CALL", "", "PHONE, LETTER", "CHN-03: a call; if calls are not possible, a "
                        + "letter")
                .row("CHN-04", "FINAL_NOTICE", "", "LETTER, EMAIL", "CHN-04: final notices go by post")
                .row("CHN-05", "UPDATE_PAYMENT_METHOD", "", "EMAIL, SMS, LETTER", "CHN-05: ask for a new payment "
                        + "method where the customer reads it soonest")
                .row("CHN-06", "OFFER_PAYMENT_PLAN", "", "EMAIL, LETTER", "CHN-06: payment plan offers");
    }

    static SheetSpec contactLimits() {
        return new SheetSpec("Contact limits", "dunning.channel.limits", "channel", 10000)
                .imports(D + "DunningCase", D + "Decision")
                .note("Hours are the customer's local time. Call limits apply when the customer's third-party "
                        + "collection flag is set (US debt collection rules).")
                .metadata("policy(\"$param\")", "Policy", 10)
                .condition("DunningCase", "thirdPartyCollection == $param", "Third-party collection rules", 16)
                .action("decision.contactWindow($1, $2);", "Contact hours (from, until)", 16)
                .action("decision.callLimits($1, $2);", "Call limits (calls per 7 days, quiet days after a talk)", 22)
                .description("Description", 60)
                .row("LIM-01", "true", "8, 21", "7, 7", "LIM-01: no contact before 8:00 or after 21:00 local time; "
                        + "at most 7 call attempts in 7 days; no call within 7 days after a conversation")
                .row("LIM-02", "false", "8, 21", "", "LIM-02: no contact before 8:00 or after 21:00 local time");
    }

    static SheetSpec fees() {
        String euroAreaWithoutDe = "\"AT\", \"BE\", \"CY\", \"EE\", \"ES\", \"FI\", \"FR\", \"GR\", \"HR\", \"IE\", "
                + "\"IT\", \"LT\", \"LU\", \"LV\", \"MT\", \"NL\", \"PT\", \"SI\", \"SK\"";
        return new SheetSpec("Late payment", "dunning.escalation.fees", "escalation", 5000)
                .imports(D + "InvoiceCase", D + "Decision")
                .note("Suggested late-payment compensation and interest, business to business only (never for "
                        + "consumers). Rows must not overlap: each matching row adds its fees.")
                .note("Interest: outstanding x (reference rate + points) / 100 / 365 x days overdue. Update the "
                        + "reference rates when the central bank publishes new ones.")
                .metadata("policy(\"$param\")", "Policy", 10)
                .condition("InvoiceCase", "business == $param", "Business customer", 10)
                .condition("InvoiceCase", "country == \"$param\"", "Country", 10)
                .condition("InvoiceCase", "country in ($param)", "Countries (one of)", 30)
                .condition("InvoiceCase", "currency == \"$param\"", "Currency", 10)
                .condition("InvoiceCase", "disputed == $param", "Disputed", 10)
                .condition("InvoiceCase", "daysOverdue >= $param", "Days overdue from", 10)
                .action("decision.lateCompensation(\"$param\");", "Compensation per invoice", 14)
                .action("decision.lateInterest(\"$1\", \"$2\");", "Interest (reference rate %, points above)", 20)
                .description("Description", 60)
                .row("FEE-01", "true", "DE", "", "EUR", "false", "1", "40", "1.27, 9",
                        "FEE-01: Germany, B2B: EUR 40 flat fee per invoice and interest at 9 points over the base "
                                + "rate (1.27 % from 1 July 2025)")
                .row("FEE-02", "true", "", euroAreaWithoutDe, "EUR", "false", "1", "40", "2.15, 8",
                        "FEE-02: EU late payment directive, B2B: EUR 40 compensation per invoice and interest at "
                                + "the ECB reference rate (2.15 %) plus 8 points");
    }
}
