package dev.dunning.rulesets.web;

import dev.dunning.rulesets.SimulationsBusyException;
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
