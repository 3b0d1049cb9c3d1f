package dev.dunning.rulesets.web;

import dev.dunning.rulesets.ReviewRefusedException;
import dev.dunning.rulesets.SimulationsBusyException;
import dev.dunning.rulesets.StaleRequestException;
import dev.dunning.web.FieldProblem;
import dev.dunning.web.ProblemResponses;
import java.util.List;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Refusals of the rule-set feature that any endpoint may meet, as problem+json. */
@RestControllerAdvice
class RuleSetProblems {

    /**
     * A review step the state of things forbids: 409 (a decided request, someone else's to withdraw, the version in
     * force already); a missing or too long comment is the request's fault: 400 naming the field.
     */
    @ExceptionHandler(ReviewRefusedException.class)
    ResponseEntity<ProblemDetail> reviewRefused(ReviewRefusedException ex) {
        if (ex.field() != null) {
            return ResponseEntity.badRequest().body(ProblemResponses.invalid(List.of(new FieldProblem(ex.field(),
                    ex.getMessage()))));
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
        problem.setType(URI.create("https://dunning.dev/problems/review-refused"));
        problem.setTitle("Review step refused");
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }

    /** Approving a request made while another version was in force: 409, nothing activated. */
    @ExceptionHandler(StaleRequestException.class)
    ResponseEntity<ProblemDetail> stale(StaleRequestException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
        problem.setType(URI.create("https://dunning.dev/problems/review-stale"));
        problem.setTitle("Request out of date");
        problem.setProperty("askedAgainst", ex.askedAgainst());
        problem.setProperty("inForce", ex.inForce());
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }

    /** Too many background simulations on this instance: the caller may try again shortly (503, Retry-After). */
    @ExceptionHandler(SimulationsBusyException.class)
    ResponseEntity<ProblemDetail> simulationsBusy(SimulationsBusyException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
        problem.setType(URI.create("https://dunning.dev/problems/simulations-busy"));
        problem.setTitle("Too many background simulations");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "30")
                .body(problem);
    }
}
