package dev.dunning.decision;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Everything known about one customer at one instant: the input of a decision. */
public record Facts(
        Instant asOf,
        @NotNull @Valid Customer customer,
        @Size(max = 5000) List<@NotNull @Valid Invoice> invoices,
        @Size(max = 5000) List<@NotNull @Valid ContactAttempt> contacts,
        @Size(max = 500) List<@NotNull @Valid Hold> holds) {

    /**
     * Lists are copied unmodifiable. A null element is kept rather than refused here, so that the validation of a
     * request ({@code @NotNull} on the elements) names it, e.g. invoices[0]; List.copyOf would throw before that.
     */
    public Facts {
        invoices = copy(invoices);
        contacts = copy(contacts);
        holds = copy(holds);
    }

    private static <T> List<T> copy(List<T> list) {
        return list == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(list));
    }
}
