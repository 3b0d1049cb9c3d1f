package dev.dunning.decisions.web;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The customers decisions sent to a person (MANUAL_REVIEW: vulnerable, do-not-contact), for the credit controllers who
 * take them over and the auditors; the console's work queue shows the same list.
 */
@RestController
class ManualReviewController {

    private final ManualReviews reviews;

    ManualReviewController(ManualReviews reviews) {
        this.reviews = reviews;
    }

    /** Newest first; {@code before} (the previous page's {@code before}) pages back through the log. */
    @GetMapping(path = "/api/v1/manual-reviews", produces = MediaType.APPLICATION_JSON_VALUE)
    ManualReviews.Page list(
            @RequestParam(required = false) String customerId,
            @RequestParam(required = false) Long before,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
        return reviews.page(customerId, before, limit);
    }
}
