package dev.dunning.facts.web;

import dev.dunning.decision.Action;
import dev.dunning.decision.Channel;
import dev.dunning.decision.Complaint;
import dev.dunning.decision.ContactAttempt;
import dev.dunning.decision.Outcome;
import dev.dunning.facts.Contacts;
import dev.dunning.facts.Customers;
import dev.dunning.facts.FactsService;
import dev.dunning.facts.StoredContact;
import dev.dunning.facts.UnknownFactException;
import dev.dunning.facts.Written;
import dev.dunning.validation.Identifier;
import dev.dunning.web.PageView;
import dev.dunning.web.RequestChecks;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The contact history of a customer: what was sent or said, when, and what came of it. */
@RestController
@RequestMapping(path = "/api/v1/customers/{id}/contacts", produces = MediaType.APPLICATION_JSON_VALUE)
public class ContactController {

    private final FactsService facts;
    private final Contacts contacts;
    private final Customers customers;
    private final Validator validator;

    ContactController(FactsService facts, Contacts contacts, Customers customers, Validator validator) {
        this.facts = facts;
        this.contacts = contacts;
        this.customers = customers;
        this.validator = validator;
    }

    /** One contact attempt; {@code reference} (the sender's message id) makes a retried report harmless. */
    record ContactRequest(
            @NotNull Instant at,
            @NotNull Channel channel,
            Action action,
            @Min(0) @Max(99) Integer stage,
            @NotNull Outcome outcome,
            @Size(max = 100) @Identifier(key = true) String reference) {}

    public record ContactView(
            long id, String customerId, Instant at, Channel channel, Action action, Integer stage, Outcome outcome,
            Complaint complaint, String reference, Instant recordedAt) {

        public static ContactView of(StoredContact c) {
            ContactAttempt a = c.attempt();
            return new ContactView(c.id(), c.customerId(), a.at(), a.channel(), a.action(), a.stage(), a.outcome(),
                    a.complaint(), c.reference(), c.recordedAt());
        }
    }

    /** 201 for a new contact; 200 with the earlier one when its reference was seen before. */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ContactView> add(@PathVariable String id, @RequestBody ContactRequest request) {
        RequestChecks.of(validator, request).throwIfAny();
        ContactAttempt attempt = new ContactAttempt(request.at(), request.channel(), request.action(),
                request.stage(), request.outcome());
        Written<StoredContact> written = TransientRetry.write(
                () -> facts.recordContact(id, attempt, request.reference()));
        return Created.orOkAt(written, StoredContact::id, ContactView::of);
    }

    /** The customer's contacts, newest first. */
    @GetMapping
    PageView<ContactView> list(
            @PathVariable String id,
            @RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int size) {
        if (!customers.exists(id)) {
            throw new UnknownFactException("customer", id);
        }
        return new PageView<>(page, size, contacts.countOfCustomer(id),
                contacts.pageOfCustomer(id, page * size, size).stream().map(ContactView::of).toList());
    }

    @GetMapping("/{contactId}")
    ContactView get(@PathVariable String id, @PathVariable long contactId) {
        return contacts.find(contactId).filter(c -> c.customerId().equals(id)).map(ContactView::of)
                .orElseThrow(() -> new UnknownFactException("contact of customer " + id, contactId));
    }
}
