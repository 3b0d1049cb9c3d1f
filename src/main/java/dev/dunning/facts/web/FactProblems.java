package dev.dunning.facts.web;

import dev.dunning.facts.FactRejectedException;
import dev.dunning.facts.UnknownFactException;
import dev.dunning.web.FieldProblem;
import dev.dunning.web.ProblemResponses;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The facts' own refusals as problem+json: thrown by every feature that reads or writes facts, so an advice. */
@RestControllerAdvice
class FactProblems {

    @ExceptionHandler(UnknownFactException.class)
    ResponseEntity<ProblemDetail> unknownFact(UnknownFactException ex) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(ProblemResponses.notFound(ex.getMessage()));
    }

    /** A write the stored facts do not allow: 400 if the request names something wrong, 409 if the state forbids it. */
    @ExceptionHandler(FactRejectedException.class)
    ResponseEntity<ProblemDetail> factRejected(FactRejectedException ex) {
        List<FieldProblem> problems = List.of(new FieldProblem(ex.field(), ex.getMessage()));
        if (!ex.conflict()) {
            return ResponseEntity.badRequest().body(ProblemResponses.invalid(problems));
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.field() + ": " + ex.getMessage());
        problem.setType(ProblemResponses.CONFLICT);
        problem.setTitle("Conflicts with the stored facts");
        problem.setProperty("errors", problems);
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }
}
