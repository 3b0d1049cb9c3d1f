package dev.dunning.validation;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

/** Accepts the two-letter codes of ISO 3166-1 as the JDK lists them. */
public class CountryCodeValidator implements ConstraintValidator<CountryCode, String> {

    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
        if (value == null || Codes.isCountry(value)) {
            return true;
        }
        Codes.naming(value, context);
        return false;
    }
}
