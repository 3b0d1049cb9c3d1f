package dev.dunning.audit.web;

import dev.dunning.audit.AuditUnavailableException;
import dev.dunning.database.Unreachable;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The audit log's refusals as problem+json, for whichever endpoint made the decision it could not record. */
@RestControllerAdvice
class AuditProblems {

    private static final Logger log = LoggerFactory.getLogger(AuditProblems.class);

    /** The decision could not be made durable: it is not returned, and the caller may try again. */
    @ExceptionHandler(AuditUnavailableException.class)
    ResponseEntity<ProblemDetail> auditUnavailable(AuditUnavailableException ex) {
        if (Unreachable.causedBy(ex)) {
            log.warn("Decision refused, the database is unreachable: {}", ex.getMessage());
        } else {
            log.error("Decision refused: {}", ex.getMessage(), ex.getCause());
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "The decision could not be recorded in the audit log, so it was not made; try again shortly");
        problem.setType(URI.create("https://dunning.dev/problems/audit-unavailable"));
        problem.setTitle("Audit log unavailable");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5")
                .body(problem);
    }
}
