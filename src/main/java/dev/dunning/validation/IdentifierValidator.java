package dev.dunning.validation;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

/** Names the first character that keeps a text from being an id, and where it is. */
public class IdentifierValidator implements ConstraintValidator<Identifier, String> {

    private boolean key;

    @Override
    public void initialize(Identifier annotation) {
        key = annotation.key();
    }

    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
        String problem = Texts.notUnicode(value);
        if (problem == null) {
            problem = Texts.notPrintable(value);
        }
        if (problem == null && key) {
            problem = Texts.notExact(value);
        }
        if (problem == null) {
            return true;
        }
        // The reason is built here from code points, never from the caller's text, so it is safe as a template.
        context.disableDefaultConstraintViolation();
        context.buildConstraintViolationWithTemplate(problem.replace("\\", "\\\\").replace("{", "\\{")
                .replace("$", "\\$")).addConstraintViolation();
        return false;
    }
}
