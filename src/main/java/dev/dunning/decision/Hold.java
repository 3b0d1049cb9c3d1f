package dev.dunning.decision;

import dev.dunning.validation.Identifier;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.LocalDate;

/**
 * A pause of dunning. With an invoiceId it covers that invoice only (a dispute); without, the whole customer.
 * {@code until} is the last day of the hold, or null while it has no agreed end.
 */
public record Hold(@NotNull HoldKind kind, @Size(max = 64) @Identifier(key = true) String invoiceId, @NotNull LocalDate from, LocalDate until) {

    public boolean coversCustomer() {
        return invoiceId == null;
    }

    public boolean activeOn(LocalDate day) {
        return !from.isAfter(day) && (until == null || !until.isBefore(day));
    }
}
