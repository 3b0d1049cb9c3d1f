package dev.dunning.dispatch.web;

import dev.dunning.dispatch.DispatchService;
import dev.dunning.dispatch.Outbox;
import dev.dunning.dispatch.OutboxStatus;
import dev.dunning.web.PageView;
import dev.dunning.web.Principals;
import dev.dunning.web.RequestChecks;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.security.Principal;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Decisions a person must approve before anything is sent (hand-over to collection, service suspension: GDPR art. 22):
 * the list for credit controllers, and approving or rejecting one with who and why.
 */
@RestController
@RequestMapping(path = "/api/v1/approvals", produces = MediaType.APPLICATION_JSON_VALUE)
class ApprovalController {

    private final DispatchService dispatch;
    private final Validator validator;

    ApprovalController(DispatchService dispatch, Validator validator) {
        this.dispatch = dispatch;
        this.validator = validator;
    }

    enum Verdict { APPROVE, REJECT }

    /**
     * Who decides is the authenticated caller, never a name in the body: an approval must not be made in someone
     * else's name.
     *
     * @param reason why, in a sentence an auditor understands
     */
    record ReviewRequest(@NotNull Verdict verdict, @NotBlank @Size(max = 1000) String reason) {}

    /** Entries awaiting approval, newest first. */
    @GetMapping
    PageView<OutboxController.EntryView> awaiting(
            @RequestParam(required = false) String customerId,
            @RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int size) {
        var filter = new Outbox.Filter(OutboxStatus.AWAITING_APPROVAL, null, customerId);
        return new PageView<>(page, size, dispatch.count(filter),
                dispatch.list(filter, page * size, size).stream().map(OutboxController.EntryView::of).toList());
    }

    /** Approves (sent when due) or rejects (never sent); 409 if the entry is not awaiting approval. */
    @PostMapping(path = "/{decisionId}", consumes = MediaType.APPLICATION_JSON_VALUE)
    OutboxController.EntryView review(@PathVariable String decisionId, @RequestBody ReviewRequest request,
            Principal principal) {
        RequestChecks.of(validator, request).throwIfAny();
        String who = Principals.name(principal);
        return OutboxController.EntryView.of(dispatch.review(decisionId, request.verdict() == Verdict.APPROVE, who,
                request.reason()));
    }
}
