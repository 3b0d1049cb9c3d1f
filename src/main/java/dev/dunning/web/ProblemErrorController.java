package dev.dunning.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The servlet container's error page: what the controller advice never saw (a failure in a filter, an exception no
 * handler knows) still becomes a problem+json body, with a generic detail and never the exception's message, stack
 * trace or SQL. Replaces Spring Boot's error controller, whose JSON is not RFC 9457.
 */
@RestController
class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        Object failed = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (failed instanceof String path && ConsoleProblems.isConsole(path) && !response.isCommitted()) {
            // A console page that failed where no resolver saw it (rendering its template, a filter): its problem page.
            request.getRequestDispatcher(ConsoleController.FAILED).forward(request, response);
            return null;
        }
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer i && HttpStatus.resolve(i) != null ? HttpStatus.resolve(i)
                : HttpStatus.NOT_FOUND; // /error asked for directly: there is nothing here
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, status.is5xxServerError()
                ? "The service failed to answer this request; the trace id identifies it in the service's log"
                : status.getReasonPhrase());
        problem.setType(Problems.type(status.value()));
        problem.setTitle(status.getReasonPhrase());
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (uri instanceof String path) {
            problem.setInstance(java.net.URI.create(path));
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
