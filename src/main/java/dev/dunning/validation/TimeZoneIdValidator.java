package dev.dunning.validation;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

/** Accepts region ids of the JDK's IANA time zone database, plus UTC. */
public class TimeZoneIdValidator implements ConstraintValidator<TimeZoneId, String> {

    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
        if (value == null || Codes.isTimeZone(value)) {
            return true;
        }
        Codes.naming(value, context);
        return false;
    }
}
