package dev.dunning.web;

import jakarta.validation.Validator;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.List;
import java.util.Objects;

/**
 * Collects every problem of a write request (field constraints first, then the checks across fields) so that the
 * caller sees them all in one 400 answer rather than one per round trip.
 */
public final class RequestChecks {

    /** The length of the id columns; a longer id in a path could never be stored. */
    public static final int ID_LENGTH = 64;

    private final List<FieldProblem> problems = new ArrayList<>();

    private RequestChecks() {}

    /** Checks of a request without a body to validate, e.g. of its parameters. */
    public static RequestChecks empty() {
        return new RequestChecks();
    }

    public static RequestChecks of(Validator validator, Object request) {
        RequestChecks checks = new RequestChecks();
        validator.validate(request).forEach(v -> checks.add(v.getPropertyPath().toString(), v.getMessage()));
        return checks;
    }

    public RequestChecks add(String field, String message) {
        problems.add(new FieldProblem(field, message));
        return this;
    }

    /** The id in the path is the one that counts; a body that names another is a mistake the caller must see. */
    public RequestChecks pathId(String pathId, String bodyId) {
        if (pathId.isBlank() || pathId.chars().anyMatch(Character::isISOControl)) {
            // "%20%20" or a tab once created a customer nobody could tell apart from another blank one
            add("id", "the id in the path is blank or holds control characters; use the billing system's id, "
                    + "e.g. C-1001");
        }
        String notExact = dev.dunning.validation.Texts.notExact(pathId);
        if (notExact != null && !pathId.isBlank()) {
            add("id", "the id in the path " + notExact);
        }
        if (pathId.length() > ID_LENGTH) {
            add("id", "the id in the path has " + pathId.length() + " characters; at most " + ID_LENGTH
                    + " are allowed");
        }
        if (bodyId != null && !Objects.equals(pathId, bodyId)) {
            add("id", "the body's id \"" + bodyId + "\" differs from the id \"" + pathId
                    + "\" in the path; leave it out or make them equal");
        }
        return this;
    }

    public RequestChecks notBefore(String field, LocalDate later, String laterName, LocalDate earlier, String earlierName) {
        if (later != null && earlier != null && later.isBefore(earlier)) {
            add(field, "the " + laterName + " " + later + " is before the " + earlierName + " " + earlier);
        }
        return this;
    }

    /**
     * An amount with more decimals than its currency has (EUR 1.005, JPY 10.5) was meant for another currency or was
     * miscalculated; storing it would create money nobody can pay. Unknown currencies are reported on their own field.
     */
    public RequestChecks fitsCurrency(String field, BigDecimal amount, String currencyCode) {
        String size = dev.dunning.validation.Amounts.problem(amount);
        if (size != null) {
            add(field, size);
            return this;
        }
        if (amount == null || currencyCode == null || !dev.dunning.validation.Codes.isCurrency(currencyCode)) {
            return this;
        }
        int digits = Currency.getInstance(currencyCode).getDefaultFractionDigits();
        if (digits >= 0 && amount.stripTrailingZeros().scale() > digits) {
            add(field, amount.toPlainString() + " has more decimals than " + currencyCode + " has (" + digits
                    + "); round it or check the currency");
        }
        return this;
    }

    /**
     * A page of a list of which only the first {@code kept} entries are kept (a simulation's changed customers): the
     * page must start within them.
     */
    public RequestChecks pageWithin(int page, int size, int kept, String narrowing) {
        if ((long) page * size >= kept) {
            add("page", "pages go up to the first " + kept + " entries (page × size below " + kept + "); "
                    + narrowing);
        }
        return this;
    }

    /** Answers 400 with every problem found, in field order, if there is any. */
    public void throwIfAny() {
        if (!problems.isEmpty()) {
            List<FieldProblem> sorted = new ArrayList<>(problems);
            sorted.sort(Comparator.comparing(FieldProblem::field));
            throw new InvalidRequestException(sorted);
        }
    }
}
