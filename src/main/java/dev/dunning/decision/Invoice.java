package dev.dunning.decision;

import dev.dunning.validation.Identifier;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/** One invoice of the customer. Immutable input fact; money in the invoice's own currency. */
public record Invoice(
        @NotBlank @Size(max = 64) @Identifier(key = true) String id,
        @Size(max = 64) @Identifier String number,
        @NotBlank @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 currency code such as EUR") String currency,
        @NotNull @PositiveOrZero BigDecimal amount,
        @PositiveOrZero BigDecimal amountPaid,
        @NotNull LocalDate issueDate,
        @NotNull LocalDate dueDate,
        @NotNull InvoiceStatus status,
        @Size(max = 32) @Identifier String paymentMethod,
        @Min(0) int failedAttempts,
        @Size(max = 64) @Identifier String lastDeclineCode,
        DeclineClass lastDeclineClass,
        Instant lastFailureAt) {

    public Invoice {
        amountPaid = amountPaid == null ? BigDecimal.ZERO : amountPaid;
        number = number == null ? id : number;
    }

    public BigDecimal outstanding() {
        return amount.subtract(amountPaid).max(BigDecimal.ZERO);
    }
}
