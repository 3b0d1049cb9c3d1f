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
 * An IANA time zone name (Europe/Berlin, America/Los_Angeles). Fixed offsets such as "+02:00" or "GMT+2" are refused:
 * they ignore daylight saving, so quiet hours would be an hour off for half the year. Null is valid.
 */
@Documented
@Constraint(validatedBy = TimeZoneIdValidator.class)
@Target({FIELD, PARAMETER, RECORD_COMPONENT, TYPE_USE})
@Retention(RUNTIME)
public @interface TimeZoneId {

    String message() default "\"{value}\" is not an IANA time zone; use a region name such as Europe/Berlin or "
            + "America/Los_Angeles";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
