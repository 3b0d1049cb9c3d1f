package dev.dunning.facts.web;

import dev.dunning.decision.Customer;
import dev.dunning.decision.Hold;
import dev.dunning.decision.HoldKind;
import dev.dunning.facts.Customers;
import dev.dunning.facts.FactsService;
import dev.dunning.facts.Holds;
import dev.dunning.facts.StoredHold;
import dev.dunning.facts.UnknownFactException;
import dev.dunning.facts.Written;
import dev.dunning.validation.Identifier;
import dev.dunning.web.FieldProblem;
import dev.dunning.web.InvalidRequestException;
import dev.dunning.web.Principals;
import dev.dunning.web.RequestChecks;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Holds on a customer or one of its invoices. A hold is never deleted: DELETE ends it, and the history keeps it, so
 * that a later audit can see why dunning paused.
 */
@RestController
@RequestMapping(path = "/api/v1/customers/{id}/holds", produces = MediaType.APPLICATION_JSON_VALUE)
class HoldController {

    private final FactsService facts;
    private final Holds holds;
    private final Customers customers;
    private final Validator validator;
    private final Clock clock;

    HoldController(FactsService facts, Holds holds, Customers customers, Validator validator, Clock clock) {
        this.facts = facts;
        this.holds = holds;
        this.customers = customers;
        this.validator = validator;
        this.clock = clock;
    }

    /** A pause of dunning; with an invoiceId for that invoice only. {@code until} is its last day (null: no end). */
    record HoldRequest(
            @NotNull HoldKind kind,
            @Size(max = 64) @Identifier(key = true) String invoiceId,
            @NotNull LocalDate from,
            LocalDate until,
            @Size(max = 500) String reason) {

        Hold toHold() {
            return new Hold(kind, invoiceId, from, until);
        }
    }

    /**
     * A hold as stored. {@code active} is false once it was ended (endedAt) or its last day has passed in the
     * customer's time zone; a hold that starts later is active (it is in force from its first day).
     */
    record HoldView(
            long id, String customerId, HoldKind kind, String invoiceId, LocalDate from, LocalDate until,
            String reason, Instant createdAt, String createdBy, Instant endedAt, String endedBy, boolean active) {}

    /** Which holds a list shows. */
    enum State { ACTIVE, ENDED, ALL }

    /** Adds the hold, recording the caller's name (the API key's, or the signed-in person's) as its author. */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<HoldView> add(@PathVariable String id, @RequestBody HoldRequest request, Principal principal) {
        checks(validator, request).throwIfAny();
        String by = Principals.name(principal);
        StoredHold stored = TransientRetry.write(() -> facts.addHold(id, request.toHold(), request.reason(), by));
        return Created.orOkAt(new Written<>(stored, true), StoredHold::id, h -> view(h, today(id)));
    }

    /** The API's checks of a hold, which the console's form ({@link HoldForm}) makes too. */
    static RequestChecks checks(Validator validator, HoldRequest request) {
        return RequestChecks.of(validator, request)
                .notBefore("until", request.until(), "last day (until)", request.from(), "first day (from)");
    }

    /**
     * Ends the hold now, recording who ended it. Ending an ended hold changes nothing and answers the same: DELETE is
     * idempotent.
     */
    @DeleteMapping("/{holdId}")
    HoldView end(@PathVariable String id, @PathVariable long holdId, Principal principal) {
        String by = Principals.name(principal);
        StoredHold ended = TransientRetry.write(() -> facts.endHold(id, holdId, by));
        return view(ended, today(id));
    }

    @GetMapping("/{holdId}")
    HoldView get(@PathVariable String id, @PathVariable long holdId) {
        LocalDate today = today(id);
        return holds.find(holdId).filter(h -> h.customerId().equals(id)).map(h -> view(h, today))
                .orElseThrow(() -> new UnknownFactException("hold of customer " + id, holdId));
    }

    /** Every hold of the customer, newest first; {@code state=ACTIVE} or {@code ENDED} narrows the list. */
    @GetMapping
    List<HoldView> list(@PathVariable String id, @RequestParam(defaultValue = "ALL") String state) {
        State wanted = state(state);
        LocalDate today = today(id);
        return holds.ofCustomer(id).stream().map(h -> view(h, today))
                .filter(h -> wanted == State.ALL || h.active() == (wanted == State.ACTIVE)).toList();
    }

    private static State state(String value) {
        try {
            return State.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(List.of(new FieldProblem("state", "\"" + value
                    + "\" is not a hold state; use one of ACTIVE, ENDED, ALL")));
        }
    }

    /** The customer's own date decides whether a hold's last day has passed, as it does for decisions. */
    private LocalDate today(String customerId) {
        return today(customers, clock, customerId);
    }

    static LocalDate today(Customers customers, Clock clock, String customerId) {
        Customer customer = customers.find(customerId).orElseThrow(() -> new UnknownFactException("customer",
                customerId));
        return LocalDate.now(clock.withZone(ZoneId.of(customer.timeZone())));
    }

    static HoldView view(StoredHold stored, LocalDate today) {
        Hold h = stored.hold();
        boolean active = !stored.ended() && (h.until() == null || !h.until().isBefore(today));
        return new HoldView(stored.id(), stored.customerId(), h.kind(), h.invoiceId(), h.from(), h.until(),
                stored.reason(), stored.createdAt(), stored.createdBy(), stored.endedAt(), stored.endedBy(), active);
    }
}
