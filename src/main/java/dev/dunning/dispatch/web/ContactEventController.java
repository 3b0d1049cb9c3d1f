package dev.dunning.dispatch.web;

import dev.dunning.decision.Complaint;
import dev.dunning.dispatch.ContactEventType;
import dev.dunning.dispatch.DispatchService;
import dev.dunning.facts.web.ContactController;
import dev.dunning.validation.Identifier;
import dev.dunning.web.RequestChecks;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Delivery events of sent messages (from the mail provider or SMS gateway, or a collector's call note): they update
 * the message's contact attempt, which the next decision sees.
 */
@RestController
@RequestMapping(path = "/api/v1/contact-events", produces = MediaType.APPLICATION_JSON_VALUE)
class ContactEventController {

    private final DispatchService dispatch;
    private final Validator validator;

    ContactEventController(DispatchService dispatch, Validator validator) {
        this.dispatch = dispatch;
        this.validator = validator;
    }

    /** Bounce kinds: a HARD bounce (no such mailbox) withdraws the address, a SOFT one (mailbox full) does not. */
    enum Bounce { HARD, SOFT }

    record ContactEventRequest(
            @NotBlank @Size(max = 36) @Identifier String decisionId,
            @NotNull ContactEventType type,
            Bounce bounce,
            Complaint complaint,
            @Size(max = 500) String detail) {}

    /** {@code emailWithdrawn}: a hard bounce withdrew the address; {@code smsWithdrawn}: a STOP reply the number. */
    record ContactEventView(String decisionId, ContactEventType type, ContactController.ContactView contact,
            boolean emailWithdrawn, boolean smsWithdrawn) {}

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ContactEventView record(@RequestBody ContactEventRequest request) {
        var checks = RequestChecks.of(validator, request);
        if (request.type() == ContactEventType.BOUNCED && request.bounce() == null) {
            checks.add("bounce", "say whether the bounce is HARD (the address does not exist) or SOFT (temporary)");
        }
        if (request.type() == ContactEventType.COMPLAINED && request.complaint() == null) {
            checks.add("complaint", "say what the complaint was: SPAM_REPORT (marked as spam), STOP_REPLY (a STOP "
                    + "reply to a text) or CUSTOMER (a complaint to a person)");
        }
        checks.throwIfAny();
        var result = dispatch.record(request.decisionId(), request.type(), request.bounce() == Bounce.HARD,
                request.complaint(), request.detail());
        return new ContactEventView(request.decisionId(), request.type(),
                ContactController.ContactView.of(result.contact()), result.emailWithdrawn(),
                result.smsWithdrawn());
    }
}
