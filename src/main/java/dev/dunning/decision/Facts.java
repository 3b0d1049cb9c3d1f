package dev.dunning.decision;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;

/** Everything known about one customer at one instant: the input of a decision. */
public record Facts(
        Instant asOf,
        @NotNull @Valid Customer customer,
        @Size(max = 5000) List<@NotNull @Valid Invoice> invoices,
        @Size(max = 5000) List<@NotNull @Valid ContactAttempt> contacts,
        @Size(max = 500) List<@NotNull @Valid Hold> holds) {

    public Facts {
        invoices = invoices == null ? List.of() : List.copyOf(invoices);
        contacts = contacts == null ? List.of() : List.copyOf(contacts);
        holds = holds == null ? List.of() : List.copyOf(holds);
    }
}
