package dev.dunning.validation;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The dates and instants the service takes in: from 1900-01-01 to 2999-12-31 (instants in UTC). Wider than any real
 * invoice, and narrow enough that what is derived from them (a next review a few years on, the end of quiet hours in
 * the customer's zone) still fits the database's DATE and DATETIME columns, which end with the year 9999; a year
 * outside them once failed with a 500, and dates before the Gregorian calendar's start came back shifted.
 */
public final class DateRange {

    public static final LocalDate FIRST = LocalDate.of(1900, 1, 1);
    public static final LocalDate LAST = LocalDate.of(2999, 12, 31);

    private static final Instant FIRST_INSTANT = FIRST.atStartOfDay(ZoneOffset.UTC).toInstant();
    private static final Instant AFTER_LAST_INSTANT = LAST.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();

    private DateRange() {}

    public static boolean contains(LocalDate date) {
        return date == null || !(date.isBefore(FIRST) || date.isAfter(LAST));
    }

    public static boolean contains(Instant instant) {
        return instant == null || !(instant.isBefore(FIRST_INSTANT) || !instant.isBefore(AFTER_LAST_INSTANT));
    }

    /** Why a value outside the range is refused, as a sentence fragment: "... is outside ...". */
    public static String outside(Object value) {
        return value + " is outside the dates this service takes (" + FIRST + " to " + LAST + ")";
    }
}
