package dev.dunning.imports;

import java.util.List;

/** The columns of each file, named as the fields of the JSON API; the order in a file is free. */
public final class CsvColumns {

    private CsvColumns() {}

    /** One column: its header, whether every file must have it (with a value in every row), and its format. */
    public record Column(String name, boolean required, String format) {}

    static final List<Column> CUSTOMERS = List.of(
            new Column("id", true, "text, up to 64 characters"),
            new Column("name", false, "text, up to 200 characters"),
            new Column("segment", true, "CONSUMER, SMALL_BUSINESS, ENTERPRISE or PUBLIC_SECTOR"),
            new Column("country", true, "ISO 3166 two-letter code"),
            new Column("language", false, "ISO 639 code, default en"),
            new Column("timeZone", true, "IANA time zone"),
            new Column("currency", false, "ISO 4217 code"),
            new Column("riskScore", false, "whole number 0-100, default 0"),
            new Column("tenureMonths", false, "whole number 0-2400, default 0"),
            new Column("consentEmail", false, "true or false, default false"),
            new Column("consentSms", false, "true or false, default false"),
            new Column("consentPhone", false, "true or false, default false"),
            new Column("consentLetter", false, "true or false, default false"),
            new Column("doNotContact", false, "true or false, default false"),
            new Column("vulnerable", false, "true or false, default false"),
            new Column("thirdPartyCollection", false, "true or false, default false"),
            new Column("email", false, "e-mail address, up to 254 characters"),
            new Column("mobile", false, "E.164 number such as +4915112345678"),
            new Column("postalAddress", false, "text on one line, up to 500 characters"));

    /** The contact details: a file with none of these columns leaves the stored details as they are. */
    static final List<String> CONTACT_DETAILS = List.of("email", "mobile", "postalAddress");

    static final List<Column> INVOICES = List.of(
            new Column("id", true, "text, up to 64 characters"),
            new Column("customerId", true, "id of a stored customer"),
            new Column("number", false, "text, up to 64 characters, default the id"),
            new Column("currency", true, "ISO 4217 code"),
            new Column("amount", true, "decimal >= 0, at most the currency's decimals"),
            new Column("issueDate", true, "yyyy-MM-dd"),
            new Column("dueDate", true, "yyyy-MM-dd, on or after issueDate"),
            new Column("status", true, "OPEN, PARTIALLY_PAID, PAID, DISPUTED or WRITTEN_OFF"),
            new Column("paymentMethod", false, "text, up to 32 characters"));
}
