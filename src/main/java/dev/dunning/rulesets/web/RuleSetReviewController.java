package dev.dunning.rulesets.web;

import dev.dunning.rulesets.AlteredVersionException;
import dev.dunning.rulesets.CandidateRejectedException;
import dev.dunning.rulesets.RuleSetReviews;
import dev.dunning.rulesets.UnknownVersionException;
import dev.dunning.web.InvalidRequestException;
import dev.dunning.web.FieldProblem;
import dev.dunning.web.Principals;
import dev.dunning.web.ProblemResponses;
import dev.dunning.web.RequestChecks;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Four eyes over HTTP: ask for a version to be activated or rolled back to, with a comment; another credit controller
 * approves (which activates it through the gates) or rejects it with a comment; the asker may withdraw. Who acts is
 * always the authenticated caller, never a name in the body.
 */
@RestController
@RequestMapping(path = "/api/v1/rule-sets", produces = MediaType.APPLICATION_JSON_VALUE)
class RuleSetReviewController {

    /** A list of requests answers with at most this many, newest first (pending: oldest first). */
    static final int LIST_LIMIT = 200;

    /** @param comment why: required to ask and to reject */
    record Reason(@NotBlank @Size(max = RuleSetReviews.MAX_COMMENT) String comment) {}

    /** @param comment optional when approving or withdrawing */
    record Note(@Size(max = RuleSetReviews.MAX_COMMENT) String comment) {}

    /**
     * A request with what a reviewer needs at hand: {@code stale} says why an approval would be refused now (another
     * version went into force since it was asked for), null while it can be approved; {@code challengerTest} the
     * test a request of kind {@code challenger_test} starts when approved.
     */
    record ReviewView(long id, String version, String kind, String state, String requestedBy, Instant requestedAt,
            String comment, String activeAtRequest, String reviewer, String reviewComment, Instant reviewedAt,
            String lastFailure, String stale, String diff, Long challengerTest) {}

    private final RuleSetReviews reviews;
    private final Validator validator;

    RuleSetReviewController(RuleSetReviews reviews, Validator validator) {
        this.reviews = reviews;
        this.validator = validator;
    }

    /** Asks for a version to be put in force (a candidate: activate; an earlier version: rollback); 201. */
    @PostMapping(path = "/{version}/reviews", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ReviewView> request(@PathVariable String version, @RequestBody Reason body, Principal principal) {
        RequestChecks.of(validator, body).throwIfAny();
        ReviewView view = view(reviews.request(version, Principals.name(principal), body.comment()));
        return ResponseEntity.created(URI.create("/api/v1/rule-sets/reviews/" + view.id())).body(view);
    }

    /** The review requests of a version, newest first. */
    @GetMapping(path = "/{version}/reviews")
    List<ReviewView> ofVersion(@PathVariable String version) {
        return reviews.ofVersion(version).stream().map(this::view).toList();
    }

    /** Review requests: {@code state} pending (the reviewers' queue, oldest first), approved, rejected, withdrawn. */
    @GetMapping(path = "/reviews")
    List<ReviewView> list(@RequestParam(required = false) String state) {
        RuleSetReviews.State wanted = null;
        if (state != null && !state.isBlank()) {
            try {
                wanted = RuleSetReviews.State.valueOf(state.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException(List.of(new FieldProblem("state", "\"" + state + "\" is not a "
                        + "state of a review request; use pending, approved, rejected or withdrawn")));
            }
        }
        return reviews.list(wanted, LIST_LIMIT).stream().map(this::view).toList();
    }

    @GetMapping(path = "/reviews/{id}")
    ReviewView review(@PathVariable long id) {
        return view(reviews.find(id));
    }

    /** Approves, which activates the version through the gates; not by who asked (403), once (409 afterwards). */
    @PostMapping(path = "/reviews/{id}/approve")
    ReviewView approve(@PathVariable long id, @RequestBody(required = false) Note body, Principal principal) {
        Note note = body == null ? new Note(null) : body;
        RequestChecks.of(validator, note).throwIfAny();
        return view(reviews.approve(id, Principals.name(principal), note.comment()));
    }

    /** Rejects with a comment that says why; nothing is activated. */
    @PostMapping(path = "/reviews/{id}/reject", consumes = MediaType.APPLICATION_JSON_VALUE)
    ReviewView reject(@PathVariable long id, @RequestBody Reason body, Principal principal) {
        RequestChecks.of(validator, body).throwIfAny();
        return view(reviews.reject(id, Principals.name(principal), body.comment()));
    }

    /** Withdraws one's own pending request. */
    @PostMapping(path = "/reviews/{id}/withdraw")
    ReviewView withdraw(@PathVariable long id, @RequestBody(required = false) Note body, Principal principal) {
        Note note = body == null ? new Note(null) : body;
        RequestChecks.of(validator, note).throwIfAny();
        return view(reviews.withdraw(id, Principals.name(principal), note.comment()));
    }

    @ExceptionHandler(CandidateRejectedException.class)
    ResponseEntity<ProblemDetail> rejected(CandidateRejectedException ex) {
        return RuleSetController.rejectedProblem(ex);
    }

    @ExceptionHandler(AlteredVersionException.class)
    ResponseEntity<ProblemDetail> altered(AlteredVersionException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
        problem.setType(URI.create("https://dunning.dev/problems/rule-set-altered"));
        problem.setTitle("Rule-set files altered in the database");
        problem.setProperty("version", ex.version());
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }

    @ExceptionHandler(UnknownVersionException.class)
    ResponseEntity<ProblemDetail> unknown(UnknownVersionException ex) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(ProblemResponses.notFound(ex.getMessage()));
    }

    private ReviewView view(RuleSetReviews.Review r) {
        return new ReviewView(r.id(), r.version(), r.kind().name().toLowerCase(Locale.ROOT),
                r.state().name().toLowerCase(Locale.ROOT), r.requestedBy(), r.requestedAt(), r.comment(),
                r.activeAtRequest(), r.reviewer(), r.reviewComment(), r.reviewedAt(), r.lastFailure(),
                reviews.staleness(r).orElse(null), r.activeAtRequest() == null ? null
                        : "/api/v1/rule-sets/" + r.activeAtRequest() + "/diff/" + r.version(),
                r.kind() == RuleSetReviews.Kind.CHALLENGER_TEST ? Long.valueOf(r.detail()) : null);
    }
}
