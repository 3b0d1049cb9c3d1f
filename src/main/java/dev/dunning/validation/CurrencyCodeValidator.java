package dev.dunning.validation;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import java.util.Currency;

/** Accepts exactly the codes {@link Currency#getInstance(String)} knows, in upper case as ISO 4217 writes them. */
public class CurrencyCodeValidator implements ConstraintValidator<CurrencyCode, String> {

    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
        if (value == null) {
            return true;
        }
        if (Codes.isCurrency(value)) {
            return true;
        }
        Codes.naming(value, context);
        return false;
    }
}
