package dev.dunning.validation;

import java.math.BigDecimal;

/**
 * Amounts as the service keeps them (DECIMAL(19,4) columns): checked on their written form, before anything computes
 * with them. {@code 1e-999999999} and {@code 0e-999999999} are valid decimals of a billion digits after the point;
 * printing one, storing one or subtracting one from another ties up a core for seconds or fails.
 */
public final class Amounts {

    /** Digits before the decimal point. */
    public static final int MAX_INTEGER_DIGITS = 15;

    /** Digits after the decimal point as written, trailing zeros included ("120.000000" is fine). */
    public static final int MAX_SCALE = 18;

    private Amounts() {}

    /** What is wrong with the amount's size, said of it ("is too large: ..."), or null when nothing is. */
    public static String problem(BigDecimal amount) {
        if (amount == null) {
            return null;
        }
        if (amount.scale() > MAX_SCALE) {
            return "has too many digits after the decimal point (at most " + MAX_SCALE + ")";
        }
        // Zero has no digits before the point however it is written ("0e20" has precision 1 and scale -20).
        if (amount.signum() != 0 && amount.precision() - amount.scale() > MAX_INTEGER_DIGITS) {
            return "is too large: at most " + MAX_INTEGER_DIGITS + " digits before the decimal point";
        }
        return null;
    }
}
