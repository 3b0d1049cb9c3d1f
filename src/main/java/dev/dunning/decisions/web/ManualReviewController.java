package dev.dunning.decisions.web;

import dev.dunning.web.Principals;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.security.Principal;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The customers decisions sent to a person (MANUAL_REVIEW: vulnerable, do-not-contact), for the credit controllers who
 * take them over and the auditors, and a credit controller recording that one is dealt with; the console's work queue
 * shows the same list and records through the same service.
 */
@RestController
class ManualReviewController {

    private final ManualReviews reviews;

    ManualReviewController(ManualReviews reviews) {
        this.reviews = reviews;
    }

    /**
     * Open entries (one per customer: the latest MANUAL_REVIEW decision nobody has dealt with) or, with
     * {@code state=DEALT_WITH}, the dealt-with records; newest first, {@code before} (the previous page's
     * {@code before}) pages back.
     */
    @GetMapping(path = "/api/v1/manual-reviews", produces = MediaType.APPLICATION_JSON_VALUE)
    ManualReviews.Page list(
            @RequestParam(defaultValue = "OPEN") ManualReviews.State state,
            @RequestParam(required = false) String customerId,
            @RequestParam(required = false) Long before,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
        return reviews.page(state, customerId, before, limit);
    }

    /**
     * Who dealt with it is the authenticated caller, never a name in the body, as with approvals.
     *
     * @param note what was done, e.g. "spoke to the customer's carer; payment plan agreed"
     */
    record DealtWithRequest(String note) {}

    /** Records that the manual review of this decision is dealt with; 409 if it was already, or a newer one exists. */
    @PostMapping(path = "/api/v1/manual-reviews/{decisionId}/dealt-with", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ManualReviews.Review dealtWith(@PathVariable String decisionId, @RequestBody DealtWithRequest request,
            Principal principal) {
        return reviews.dealWith(decisionId, Principals.name(principal), request.note());
    }
}
