package dev.dunning.decisions.web;

import dev.dunning.decision.Facts;
import dev.dunning.decision.Hold;
import dev.dunning.decision.Invoice;
import dev.dunning.validation.Amounts;
import dev.dunning.validation.Codes;
import dev.dunning.web.FieldProblem;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks across fields that annotations cannot express: dates in order, real currencies with amounts that fit
 * them, a real time zone, holds that point at known invoices. Each problem names the field by its JSON path.
 */
final class FactsChecks {

    private FactsChecks() {}

    static List<FieldProblem> check(Facts facts) {
        List<FieldProblem> problems = new ArrayList<>();
        var customer = facts.customer();
        if (customer == null) {
            return problems; // reported by the field constraints
        }
        if (customer.timeZone() != null && !Codes.isTimeZone(customer.timeZone())) {
            // A region, as for stored customers (@TimeZoneId): ZoneId.of also took "+01:00" and "GMT+1", which know
            // no daylight saving, so quiet hours were an hour off for half the year.
            problems.add(new FieldProblem("customer.timeZone", "\"" + customer.timeZone()
                    + "\" is not a time zone; use an IANA name such as America/Los_Angeles or Europe/Berlin"));
        }
        if (customer.currency() != null) {
            currency(customer.currency(), "customer.currency", problems);
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < facts.invoices().size(); i++) {
            Invoice invoice = facts.invoices().get(i);
            String at = "invoices[" + i + "]";
            if (invoice == null || invoice.amount() == null || invoice.issueDate() == null || invoice.dueDate() == null
                    || invoice.currency() == null) {
                continue; // missing fields are reported by the field constraints
            }
            if (tooLarge(invoice.amount(), at + ".amount", problems)
                    | tooLarge(invoice.amountPaid(), at + ".amountPaid", problems)) {
                continue; // nothing else can be said of such a number without building it digit by digit
            }
            if (!ids.add(invoice.id())) {
                problems.add(new FieldProblem(at + ".id", "invoice id \"" + invoice.id() + "\" appears twice"));
            }
            if (invoice.dueDate().isBefore(invoice.issueDate())) {
                problems.add(new FieldProblem(at + ".dueDate", "the due date " + invoice.dueDate()
                        + " is before the issue date " + invoice.issueDate()));
            }
            Currency currency = currency(invoice.currency(), at + ".currency", problems);
            if (currency != null) {
                scale(invoice.amount(), currency, at + ".amount", problems);
                scale(invoice.amountPaid(), currency, at + ".amountPaid", problems);
            }
            if (invoice.amount().signum() >= 0 && invoice.amountPaid().compareTo(invoice.amount()) > 0) {
                problems.add(new FieldProblem(at + ".amountPaid", "amountPaid " + invoice.amountPaid().toPlainString()
                        + " is more than the invoice amount " + invoice.amount().toPlainString()));
            }
        }
        for (int i = 0; i < facts.holds().size(); i++) {
            Hold hold = facts.holds().get(i);
            String at = "holds[" + i + "]";
            if (hold == null || hold.from() == null) {
                continue;
            }
            if (hold.until() != null && hold.until().isBefore(hold.from())) {
                problems.add(new FieldProblem(at + ".until", "the hold ends (" + hold.until() + ") before it begins ("
                        + hold.from() + ")"));
            }
            if (hold.invoiceId() != null && !ids.contains(hold.invoiceId())) {
                problems.add(new FieldProblem(at + ".invoiceId", "no invoice with id \"" + hold.invoiceId()
                        + "\" is in this request"));
            }
        }
        return problems;
    }

    /**
     * Amounts as the stored invoices have them (DECIMAL(19,4), see InvoiceController), checked before anything
     * computes with them: "1e999999999" is a valid decimal of a billion digits, and subtracting from it made the
     * service fail.
     */
    private static boolean tooLarge(java.math.BigDecimal amount, String field, List<FieldProblem> problems) {
        String problem = Amounts.problem(amount);
        if (problem != null) {
            problems.add(new FieldProblem(field, problem));
            return true;
        }
        return false;
    }

    private static Currency currency(String code, String field, List<FieldProblem> problems) {
        try {
            return Currency.getInstance(code);
        } catch (IllegalArgumentException | NullPointerException e) {
            problems.add(new FieldProblem(field, "\"" + code + "\" is not an ISO 4217 currency code such as EUR or USD"));
            return null;
        }
    }

    /** An amount with more decimals than its currency has (USD 1.005, JPY 10.50) belongs to another currency. */
    private static void scale(java.math.BigDecimal amount, Currency currency, String field, List<FieldProblem> problems) {
        int digits = currency.getDefaultFractionDigits();
        if (amount != null && digits >= 0 && amount.stripTrailingZeros().scale() > digits) {
            problems.add(new FieldProblem(field, amount.toPlainString() + " has more decimals than "
                    + currency.getCurrencyCode() + " has (" + digits + "); is the currency right?"));
        }
    }
}
