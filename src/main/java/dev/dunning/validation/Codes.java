package dev.dunning.validation;

import jakarta.validation.ConstraintValidatorContext;
import java.time.ZoneId;
import java.util.Currency;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.hibernate.validator.constraintvalidation.HibernateConstraintValidatorContext;

/** The code lists behind the constraints, usable without a validator too. */
public final class Codes {

    private static final Set<String> COUNTRIES = Locale.getISOCountries(Locale.IsoCountryCode.PART1_ALPHA2);

    /**
     * The region ids of the JVM's time-zone rules, copied once: {@link ZoneId#getAvailableZoneIds()} makes a new set
     * of some 600 ids on every call, which was 5.6 % of an audited evaluate's CPU (docs/benchmarks.md, section 10).
     */
    private static final Set<String> TIME_ZONES = Set.copyOf(ZoneId.getAvailableZoneIds());

    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    private Codes() {}

    public static boolean isCurrency(String code) {
        if (code == null || !CURRENCY.matcher(code).matches()) {
            return false;
        }
        try {
            Currency.getInstance(code);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static boolean isCountry(String code) {
        return code != null && COUNTRIES.contains(code);
    }

    /** Region ids only ("Europe/Berlin", "UTC"); ZoneId.of would also take "+02:00", which knows no summer time. */
    public static boolean isTimeZone(String id) {
        return id != null && TIME_ZONES.contains(id);
    }

    /**
     * Offers the rejected value to the message as {value}. A message parameter is inserted as plain text, never
     * interpreted, so a caller's "${...}" cannot reach the expression language.
     */
    static void naming(String value, ConstraintValidatorContext context) {
        if (context instanceof HibernateConstraintValidatorContext hibernate) {
            hibernate.addMessageParameter("value", value);
        } else {
            try {
                context.unwrap(HibernateConstraintValidatorContext.class).addMessageParameter("value", value);
            } catch (RuntimeException notHibernate) {
                // another provider: the message shows {value} literally, the field is still named
            }
        }
    }
}
