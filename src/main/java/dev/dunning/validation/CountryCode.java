package dev.dunning.validation;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.RECORD_COMPONENT;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * An ISO 3166-1 alpha-2 country code ({@link java.util.Locale#getISOCountries()}), upper case: US, DE, GB. Rules
 * branch on the country (fees, call limits), so "XX" must not slip through. Null is valid.
 */
@Documented
@Constraint(validatedBy = CountryCodeValidator.class)
@Target({FIELD, PARAMETER, RECORD_COMPONENT, TYPE_USE})
@Retention(RUNTIME)
public @interface CountryCode {

    String message() default "\"{value}\" is not an ISO 3166 two-letter country code; use one such as US, DE or GB";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
