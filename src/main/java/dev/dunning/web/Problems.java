package dev.dunning.web;

import dev.dunning.database.Unreachable;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stable problem types of the API (docs/security.md lists them) and the writing of a problem body where no
 * controller advice can (servlet filters: authentication, body limits).
 */
public final class Problems {

    public static final String BASE = "https://dunning.dev/problems/";
    public static final URI UNAUTHENTICATED = URI.create(BASE + "unauthenticated");
    public static final URI FORBIDDEN = URI.create(BASE + "forbidden");
    public static final URI BODY_TOO_LARGE = URI.create(BASE + "body-too-large");
    public static final URI DATABASE_UNAVAILABLE = URI.create(BASE + "database-unavailable");
    static final String DATABASE_UNAVAILABLE_TITLE = "Database unavailable";
    static final String DATABASE_UNAVAILABLE_DETAIL = "The service cannot reach its database just now, so the request "
            + "was not carried out; try again in " + Unreachable.RETRY_AFTER.toSeconds() + " s (/actuator/health "
            + "shows when the database is back)";

    private Problems() {}

    /** The type of a problem that no handler gave a more specific one: one per status, so clients can switch on it. */
    public static URI type(int status) {
        return URI.create(BASE + switch (status) {
            case 400 -> "invalid-request";
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 409 -> "conflict";
            case 413 -> "body-too-large";
            case 415 -> "unsupported-media-type";
            case 500 -> "internal-error";
            case 503 -> "unavailable";
            default -> "http-" + status;
        });
    }

    /**
     * Writes the 503 answer for a request that could not reach the database (see {@link Unreachable}), with
     * {@code Retry-After}: for filters, which run before any controller advice (API key authentication).
     */
    public static void databaseUnavailable(HttpServletRequest request, HttpServletResponse response, JsonMapper json)
            throws IOException {
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(Unreachable.RETRY_AFTER.toSeconds()));
        write(request, response, json, HttpStatus.SERVICE_UNAVAILABLE, DATABASE_UNAVAILABLE,
                DATABASE_UNAVAILABLE_TITLE, DATABASE_UNAVAILABLE_DETAIL);
    }

    /** Writes an {@code application/problem+json} answer with the request's trace id. */
    public static void write(HttpServletRequest request, HttpServletResponse response, JsonMapper json,
            HttpStatus status, URI type, String title, String detail) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type.toString());
        body.put("title", title);
        body.put("status", status.value());
        body.put("detail", detail);
        body.put("instance", request.getRequestURI());
        body.put("traceId", TraceIdFilter.of(request));
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        json.writeValue(response.getOutputStream(), body);
    }
}
