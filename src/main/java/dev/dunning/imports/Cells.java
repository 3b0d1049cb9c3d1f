package dev.dunning.imports;

import dev.dunning.decision.Catalogue;
import dev.dunning.facts.ContactDetails;
import dev.dunning.validation.Amounts;
import dev.dunning.validation.DateRange;
import dev.dunning.validation.Texts;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Currency;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVRecord;

/**
 * The values of one row, read by column name and checked as the JSON API checks them (the same rules, with messages
 * for a billing clerk that name the column and show the value). A bad value is recorded and read as null; the row is
 * then not written.
 */
final class Cells {

    static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
    private static final Set<String> ZONES = ZoneId.getAvailableZoneIds();
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}");
    private static final Pattern MOBILE = Pattern.compile(ContactDetails.MOBILE);
    /** DECIMAL(19,4): at most 15 digits before the decimal point. */

    private final long line;
    private final CSVRecord record;
    private final Map<String, Integer> index;
    private final Problems problems;
    private boolean bad;

    Cells(long line, CSVRecord record, Map<String, Integer> index, Problems problems) {
        this.line = line;
        this.record = record;
        this.index = index;
        this.problems = problems;
    }

    boolean bad() {
        return bad;
    }

    /** The trimmed value, or null when the column is absent or the cell empty. */
    String raw(String column) {
        Integer i = index.get(column);
        if (i == null || i >= record.size()) {
            return null;
        }
        String value = record.get(i).strip();
        return value.isEmpty() ? null : value;
    }

    void problem(String column, String value, String message) {
        bad = true;
        problems.add(new RowProblem(line, column, value, message));
    }

    private String required(String column, String what) {
        String value = raw(column);
        if (value == null) {
            problem(column, "", "is empty; every row needs " + what);
        }
        return value;
    }

    String text(String column, boolean required, int maxLength, String what) {
        String value = required ? required(column, what) : raw(column);
        if (value != null && value.length() > maxLength) {
            problem(column, value, "is " + value.length() + " characters long; at most " + maxLength + " fit");
            return null;
        }
        return value;
    }

    /**
     * An id or code ({@code @Identifier} in the API): text without control characters, which no reader could tell
     * apart from another id. (Half a surrogate pair cannot reach a cell: the file is decoded as strict UTF-8, see
     * CsvFile.)
     */
    String id(String column, boolean required, int maxLength, String what) {
        String value = text(column, required, maxLength, what);
        String problem = Texts.notPrintable(value);
        if (problem != null) {
            problem(column, value, problem);
            return null;
        }
        return value;
    }

    <E extends Enum<E>> E choice(String column, Class<E> type) {
        String value = required(column, "a " + Catalogue.kindName(type));
        if (value == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            String allowed = Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
            problem(column, value, "\"" + value + "\" is not a known " + Catalogue.kindName(type) + "; use one of "
                    + allowed);
            return null;
        }
    }

    boolean bool(String column) {
        String value = raw(column);
        if (value == null || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        problem(column, value, "\"" + value + "\" is not true or false");
        return false;
    }

    int whole(String column, int min, int max) {
        String value = raw(column);
        if (value == null) {
            return 0;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
            problem(column, value, value + " is out of range; use a whole number from " + min + " to " + max);
        } catch (NumberFormatException e) {
            problem(column, value, "\"" + value + "\" is not a whole number (from " + min + " to " + max + ")");
        }
        return 0;
    }

    LocalDate date(String column) {
        String value = required(column, "a date such as 2025-02-14");
        if (value == null) {
            return null;
        }
        LocalDate date;
        try {
            date = LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            problem(column, value, "\"" + value + "\" is not a date in the form yyyy-MM-dd, such as 2025-02-14");
            return null;
        }
        if (!DateRange.contains(date)) { // +10000-01-01 parses, and then failed in the database with a 500
            problem(column, value, DateRange.outside(value));
            return null;
        }
        return date;
    }

    Currency currency(String column, boolean required) {
        String value = required ? required(column, "an ISO 4217 currency code such as EUR") : raw(column);
        if (value == null) {
            return null;
        }
        try {
            if (value.length() == 3 && value.equals(value.toUpperCase(Locale.ROOT))) {
                return Currency.getInstance(value);
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        problem(column, value, "\"" + value + "\" is not an ISO 4217 currency code such as EUR or USD");
        return null;
    }

    String country(String column) {
        String value = required(column, "an ISO 3166 country code such as US or DE");
        if (value != null && !COUNTRIES.contains(value)) {
            problem(column, value, "\"" + value + "\" is not an ISO 3166 two-letter country code such as US or DE");
            return null;
        }
        return value;
    }

    String language(String column) {
        String value = raw(column);
        if (value == null) {
            return "en";
        }
        if (!LANGUAGE.matcher(value).matches()) {
            problem(column, value, "\"" + value + "\" is not an ISO 639 language code such as en or de");
            return null;
        }
        return value;
    }

    String timeZone(String column) {
        String value = required(column, "a time zone such as Europe/Berlin");
        if (value != null && !ZONES.contains(value)) {
            problem(column, value, "\"" + value
                    + "\" is not a time zone; use an IANA name such as America/Los_Angeles or Europe/Berlin");
            return null;
        }
        return value;
    }

    /** An amount of money: a plain decimal, not negative, with no more decimals than its currency has. */
    BigDecimal amount(String column, Currency currency) {
        String value = required(column, "an amount such as 120.00");
        if (value == null) {
            return null;
        }
        BigDecimal amount;
        try {
            amount = new BigDecimal(value);
        } catch (NumberFormatException e) {
            problem(column, value, "\"" + value + "\" is not an amount; write it like 1234.50 (a point for "
                    + "decimals, no thousands separators or currency signs)");
            return null;
        }
        if (amount.signum() < 0) {
            problem(column, value, "the amount " + value + " is negative; it must be 0 or more");
            return null;
        }
        String size = Amounts.problem(amount);
        if (size != null) {
            problem(column, value, "the amount " + value + " " + size);
            return null;
        }
        if (currency != null && currency.getDefaultFractionDigits() >= 0
                && amount.stripTrailingZeros().scale() > currency.getDefaultFractionDigits()) {
            problem(column, value, value + " has more decimals than " + currency.getCurrencyCode() + " has ("
                    + currency.getDefaultFractionDigits() + "); is the currency right?");
            return null;
        }
        return amount;
    }

    /**
     * Optional text on one line: a control character or line break in an address is refused, as in ids, because the
     * mail server and the letter provider would read it as the end of a header or a field.
     */
    String oneLine(String column, int maxLength) {
        String value = text(column, false, maxLength, null);
        int at = Texts.controlCharacterAt(value);
        if (at >= 0) {
            problem(column, value, "holds a control character or line break (" + Texts.codePoint(value.charAt(at))
                    + ") at character " + (at + 1) + "; write the value on one line, e.g. separating the lines of a "
                    + "postal address with commas");
            return null;
        }
        return value;
    }

    /** An optional e-mail address, well formed as the facts API's {@code @Email} requires. */
    String email(String column, Predicate<String> wellFormed) {
        String value = oneLine(column, ContactDetails.EMAIL_MAX);
        if (value != null && !wellFormed.test(value)) {
            problem(column, value, "\"" + value + "\" is not an e-mail address such as ada@example.com");
            return null;
        }
        return value;
    }

    /** An optional mobile number in E.164 form, as the facts API requires. */
    String mobile(String column) {
        String value = oneLine(column, ContactDetails.MOBILE_MAX);
        if (value != null && !MOBILE.matcher(value).matches()) {
            problem(column, value, "\"" + value + "\" is not a mobile number in E.164 form such as +4915112345678 "
                    + "(a plus, the country code, then the number without spaces or a leading 0)");
            return null;
        }
        return value;
    }
}
