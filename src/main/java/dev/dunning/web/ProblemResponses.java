package dev.dunning.web;

import dev.dunning.database.Unreachable;
import dev.dunning.decision.Catalogue;
import dev.dunning.rules.RuleEvaluationException;
import dev.dunning.rules.RuleTimeoutException;
import java.net.URI;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.lang.Nullable;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;

/**
 * Every error a caller can cause becomes an RFC 9457 problem+json body that names the field and the problem, with a
 * 4xx status; bad input never yields a 500.
 */
@RestControllerAdvice
public class ProblemResponses extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);
    public static final URI INVALID = URI.create("https://dunning.dev/problems/invalid-request");
    public static final URI CONFLICT = URI.create("https://dunning.dev/problems/conflict");
    public static final URI NOT_FOUND = URI.create("https://dunning.dev/problems/not-found");
    /** Jackson's words for a value of another JSON type (see StrictJson); group 1 is the value as written. */
    private static final java.util.regex.Pattern COERCED = java.util.regex.Pattern.compile(
            "Cannot coerce (?:String|Integer|Float|Boolean) value \\((.*)\\) to ");

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.BAD_REQUEST);
        problem.setType(INVALID);
        problem.setTitle("Unreadable request body");
        Throwable cause = ex.getCause();
        if (cause instanceof StreamReadException number && !path(number).isEmpty()
                && (cause instanceof InputCoercionException || cause instanceof StreamConstraintsException)) {
            // A number too large for its field (or a value over the parser's limits) is the field's problem, not the
            // body's: name the field like any other wrong value.
            String field = path(number);
            String message = cause instanceof InputCoercionException coercion
                    ? "the number is out of range; expected " + expected(coercion.getTargetType())
                    : "the value is too long or too large";
            problem.setDetail(field + ": " + message);
            problem.setProperty("errors", List.of(new FieldProblem(field, message)));
        } else if (cause instanceof JacksonException jackson && !(cause instanceof StreamReadException)) {
            String field = path(jackson);
            String message = describe(jackson);
            problem.setDetail(field.isEmpty() ? message : field + ": " + message);
            problem.setProperty("errors", List.of(new FieldProblem(field.isEmpty() ? "(body)" : field, message)));
        } else if (cause instanceof StreamReadException duplicate && StrictJson.duplicateField(duplicate).isPresent()) {
            String field = StrictJson.duplicateField(duplicate).get();
            String message = "is given twice in one object; give each field once";
            problem.setDetail(field + ": " + message);
            problem.setProperty("errors", List.of(new FieldProblem(field, message)));
        } else if (cause instanceof StreamReadException parse) {
            problem.setDetail("The body is not valid JSON: " + parse.getOriginalMessage()
                    + (parse.getLocation() != null ? " (line " + parse.getLocation().getLineNr() + ", column "
                            + parse.getLocation().getColumnNr() + ")" : ""));
        } else {
            problem.setDetail("The request body is missing or is not JSON");
        }
        return ResponseEntity.badRequest().body(problem);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> problems = ex.getBindingResult().getFieldErrors().stream()
                .map(e -> new FieldProblem(e.getField(), e.contains(TypeMismatchException.class)
                        ? notA(e.unwrap(TypeMismatchException.class))
                        : e.getDefaultMessage()))
                .sorted(java.util.Comparator.comparing(FieldProblem::field))
                .toList();
        return ResponseEntity.badRequest().body(invalid(problems));
    }

    /** Constraints on path variables and request parameters (@Min, @Max, ...): each parameter named. */
    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> problems = ex.getParameterValidationResults().stream()
                .flatMap(result -> result.getResolvableErrors().stream().map(error -> new FieldProblem(
                        result.getMethodParameter().getParameterName(), error.getDefaultMessage())))
                .sorted(java.util.Comparator.comparing(FieldProblem::field))
                .toList();
        return ResponseEntity.badRequest().body(invalid(problems));
    }

    /** A multipart upload without its part (e.g. no "file"): named like any missing field. */
    @Override
    protected ResponseEntity<Object> handleMissingServletRequestPart(
            MissingServletRequestPartException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return ResponseEntity.badRequest().body(invalid(List.of(new FieldProblem(ex.getRequestPartName(),
                "is required: send it as a part named \"" + ex.getRequestPartName() + "\" of a multipart/form-data "
                        + "request"))));
    }

    /** A required request parameter left out. */
    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(
            MissingServletRequestParameterException ex, HttpHeaders headers, HttpStatusCode status,
            WebRequest request) {
        return ResponseEntity.badRequest().body(invalid(List.of(new FieldProblem(ex.getParameterName(),
                "is required (a " + ex.getParameterType() + " request parameter)"))));
    }

    /** No endpoint at that path, under a path static files are served from: not said as a missing static file. */
    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(
            NoResourceFoundException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return nothingAt(ex.getHttpMethod() + " /" + ex.getResourcePath());
    }

    /**
     * No endpoint at that path (static files are served under /console/assets/ only, so any other unknown path ends
     * here): said in the API's words, as the missing static file above.
     */
    @Override
    protected ResponseEntity<Object> handleNoHandlerFoundException(
            NoHandlerFoundException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return nothingAt(ex.getHttpMethod() + " " + ex.getRequestURL());
    }

    private static ResponseEntity<Object> nothingAt(String request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "there is nothing at "
                + request + "; the endpoints are listed in the OpenAPI document at /v3/api-docs");
        problem.setType(NOT_FOUND);
        problem.setTitle("Not found");
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(problem);
    }

    /** A request parameter of the wrong type, e.g. ?size=abc. */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(
            TypeMismatchException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String name = ex instanceof MethodArgumentTypeMismatchException m ? m.getName() : ex.getPropertyName();
        return ResponseEntity.badRequest().body(invalid(List.of(new FieldProblem(String.valueOf(name), notA(ex)))));
    }

    /** What a value of the wrong type is not, said the same for a request parameter and a bound object's field. */
    private static String notA(TypeMismatchException ex) {
        return "\"" + ex.getValue() + "\" is not " + expected(ex.getRequiredType());
    }

    @ExceptionHandler(InvalidRequestException.class)
    ResponseEntity<ProblemDetail> invalidRequest(InvalidRequestException ex) {
        return ResponseEntity.badRequest().body(invalid(ex.problems()));
    }

    /**
     * The database could not be reached (down, unreachable, or no pool connection within its short timeout): 503 with
     * Retry-After at once, rather than a 500 after a long wait. Spring matches these types on the causes of what a
     * controller threw too; anything else of these types (not a lost database) stays a 500.
     */
    @ExceptionHandler({DataAccessResourceFailureException.class, CannotCreateTransactionException.class,
        SQLTransientConnectionException.class, SQLNonTransientConnectionException.class})
    ResponseEntity<ProblemDetail> databaseUnavailable(Exception ex) throws Exception {
        if (!Unreachable.causedBy(ex)) {
            throw ex;
        }
        log.warn("Request refused, the database is unreachable: {}", ex.getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                Problems.DATABASE_UNAVAILABLE_DETAIL);
        problem.setType(Problems.DATABASE_UNAVAILABLE);
        problem.setTitle(Problems.DATABASE_UNAVAILABLE_TITLE);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(Unreachable.RETRY_AFTER.toSeconds())).body(problem);
    }

    @ExceptionHandler(NotFoundException.class)
    ResponseEntity<ProblemDetail> notFound(NotFoundException ex) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(notFound(ex.getMessage()));
    }

    /** The 404 problem for something the caller named that does not exist; for the advices of the features. */
    public static ProblemDetail notFound(String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, detail);
        problem.setType(NOT_FOUND);
        problem.setTitle("Not found");
        return problem;
    }

    /**
     * An evaluation ran past its time budget and was stopped: not the caller's fault, and it may pass when the machine
     * is less busy (503); the problem names the rule that fired last, so a credit controller can look at it.
     */
    @ExceptionHandler(RuleTimeoutException.class)
    ResponseEntity<ProblemDetail> ruleTimedOut(RuleTimeoutException ex) {
        log.error("Decision stopped: {}", ex.getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
        problem.setType(URI.create("https://dunning.dev/problems/rule-timeout"));
        problem.setTitle("The rules took too long to decide");
        problem.setProperty("rule", ex.rule());
        if (ex.origin() != null) {
            problem.setProperty("source", ex.origin().source());
        }
        problem.setProperty("budgetMillis", ex.budget().toMillis());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "5").body(problem);
    }

    /** A rule of the active set failed: the caller's facts were fine, so this is the service's fault (500). */
    @ExceptionHandler(RuleEvaluationException.class)
    ResponseEntity<ProblemDetail> ruleFailed(RuleEvaluationException ex) {
        log.error("Rule evaluation failed", ex);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR, ex.getMessage());
        problem.setTitle("A rule of the active rule set failed");
        return ResponseEntity.internalServerError().body(problem);
    }

    // --- Robustness (issue 8): a form that cannot be parsed is the caller's fault ---

    /**
     * A multipart upload that cannot be read (no boundary, cut off, not multipart at all): 400, not the 500 it was.
     * An upload over the size limit is a MaxUploadSizeExceededException, answered 413 by {@link UploadLimitProblems}
     * ahead of this advice.
     */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ProblemDetail> unreadableForm(MultipartException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "file: the multipart form "
                + "cannot be read; send it as multipart/form-data with a boundary and the file in a part named \"file\"");
        problem.setType(INVALID);
        problem.setTitle("Unreadable upload");
        problem.setProperty("errors", List.of(new FieldProblem("file", "the multipart form cannot be read")));
        return ResponseEntity.badRequest().body(problem);
    }

    /** The 400 problem naming every field problem; for the advices of the features. */
    public static ProblemDetail invalid(List<FieldProblem> problems) {
        ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.BAD_REQUEST);
        problem.setType(INVALID);
        problem.setTitle("Invalid request");
        problem.setDetail(problems.stream().map(p -> p.field() + ": " + p.message()).collect(Collectors.joining("; ")));
        problem.setProperty("errors", problems);
        return problem;
    }

    /** JSON path of the field Jackson choked on, e.g. invoices[0].amount. */
    private static String path(JacksonException e) {
        StringBuilder sb = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String describe(@Nullable JacksonException e) {
        if (e instanceof StrictJson.Refused refused) {
            return refused.getOriginalMessage(); // read, but refused (StrictJson: not exact, not ISO, out of range)
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "unknown field \"" + unknown.getPropertyName() + "\"";
        }
        if (e instanceof InvalidFormatException format && format.getValue() instanceof java.time.temporal.Temporal) {
            return format.getOriginalMessage(); // read, but refused (StrictJson: outside the date range)
        }
        if (e instanceof ValueInstantiationException instantiation) {
            Throwable why = instantiation.getCause();
            return "cannot be read as " + expected(instantiation.getType() == null ? null
                    : instantiation.getType().getRawClass())
                    + (why instanceof IllegalArgumentException && why.getMessage() != null ? ": " + why.getMessage() : "");
        }
        if (e instanceof InvalidFormatException format) {
            Class<?> target = format.getTargetType();
            if (target != null && target.isEnum()) {
                String allowed = Arrays.stream(target.getEnumConstants()).map(Object::toString)
                        .collect(Collectors.joining(", "));
                @SuppressWarnings("unchecked")
                String kind = Catalogue.kindName((Class<? extends Enum<?>>) target);
                return quoted(format.getValue()) + " is not a known " + kind + "; use one of " + allowed;
            }
            return quoted(format.getValue()) + " is not " + expected(target);
        }
        if (e instanceof MismatchedInputException mismatch) {
            // A value of another JSON type refused by StrictJson's coercion rules: say which value, as written.
            java.util.regex.Matcher coerced = COERCED.matcher(String.valueOf(mismatch.getOriginalMessage()));
            if (coerced.lookingAt()) {
                return printable(coerced.group(1)) + " is not " + expected(mismatch.getTargetType());
            }
            return "expected " + expected(mismatch.getTargetType());
        }
        return e == null ? "unreadable" : e.getOriginalMessage();
    }

    /**
     * The refused value as the caller wrote it: a string in quotes, a number or boolean bare ({@code 0 is not true or
     * false}). Half a surrogate pair is shown as U+FFFD, since the answer itself must be valid UTF-8.
     */
    private static String quoted(Object value) {
        return value instanceof String text ? "\"" + printable(text) + "\"" : String.valueOf(value);
    }

    private static String printable(String text) {
        StringBuilder exact = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (paired) {
                exact.append(c).append(text.charAt(++i));
            } else {
                exact.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return exact.toString();
    }

    private static String expected(@Nullable Class<?> target) {
        if (target == null) {
            return "a different kind of value";
        }
        return switch (target.getSimpleName()) {
            case "BigDecimal" -> "a decimal number such as \"120.00\"";
            case "int", "Integer", "long", "Long" -> "a whole number";
            case "boolean", "Boolean" -> "true or false";
            case "LocalDate" -> "a date such as 2025-02-14";
            case "Instant" -> "an instant such as 2025-03-12T05:30:00Z";
            case "String" -> "a text";
            case "List" -> "a list [...]";
            case "Map" -> "an object {...}";
            default -> "a " + target.getSimpleName() + " object";
        };
    }
}
