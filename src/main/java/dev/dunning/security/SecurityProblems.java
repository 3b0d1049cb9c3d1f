package dev.dunning.security;

import dev.dunning.rulesets.FourEyes;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Problems of this feature that controllers anywhere can cause: four-eyes refusals, API key requests. */
@RestControllerAdvice
class SecurityProblems {

    static final URI FOUR_EYES = URI.create("https://dunning.dev/problems/four-eyes");

    @ExceptionHandler(FourEyes.FourEyesException.class)
    ResponseEntity<ProblemDetail> fourEyes(FourEyes.FourEyesException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, ex.getMessage());
        problem.setType(FOUR_EYES);
        problem.setTitle("Needs a second person");
        return ResponseEntity.status(HttpStatus.FORBIDDEN).body(problem);
    }

    @ExceptionHandler(ApiKeys.NameTakenException.class)
    ResponseEntity<ProblemDetail> nameTaken(ApiKeys.NameTakenException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "name: " + ex.getMessage());
        problem.setType(URI.create("https://dunning.dev/problems/conflict"));
        problem.setTitle("Conflicts with the stored API keys");
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }
}
