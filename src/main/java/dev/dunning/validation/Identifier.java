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
 * An id or a code (customer and invoice ids, references, decline codes, payment methods): valid Unicode without
 * control characters (see {@link Texts}). A {@link #key() key} further has no white space at either end. Null is valid;
 * length and blankness are other constraints' business.
 */
@Documented
@Constraint(validatedBy = IdentifierValidator.class)
@Target({FIELD, PARAMETER, RECORD_COMPONENT, TYPE_USE})
@Retention(RUNTIME)
public @interface Identifier {

    /** Replaced by the validator with the reason ({@link Texts#notPrintable}). */
    String message() default "is not printable text";

    /**
     * An id the database compares byte for byte (customer and invoice ids, references: utf8mb4_nopad_bin since V39),
     * so white space at either end, which nobody reading it can see, is refused rather than made a different id.
     */
    boolean key() default false;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
