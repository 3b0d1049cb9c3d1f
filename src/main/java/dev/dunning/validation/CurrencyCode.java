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
 * An ISO 4217 currency code that {@link java.util.Currency} knows (EUR, USD, JPY, BHD, ...). A pattern such as
 * {@code [A-Z]{3}} lets "ABC" through, and then nobody knows how many decimals its amounts may have. Null is valid:
 * add {@code @NotNull} where the code is required.
 */
@Documented
@Constraint(validatedBy = CurrencyCodeValidator.class)
@Target({FIELD, PARAMETER, RECORD_COMPONENT, TYPE_USE})
@Retention(RUNTIME)
public @interface CurrencyCode {

    String message() default "\"{value}\" is not an ISO 4217 currency code; use one such as EUR, USD or JPY";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
