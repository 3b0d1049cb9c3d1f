package dev.dunning.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request a trace id: the caller's {@code X-Request-Id} when it is a plausible id, else a new one. It is
 * echoed in the response header, put in every problem body as {@code traceId} and in the log context, so that a caller
 * reporting an error and the operator reading the log talk about the same request. Runs first, before security, so
 * that 401 and 403 answers carry it too.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class TraceIdFilter extends OncePerRequestFilter {

    public static final String HEADER = "X-Request-Id";
    static final String ATTRIBUTE = TraceIdFilter.class.getName();
    /** A caller's id is taken only if it cannot smuggle anything into logs or headers. */
    private static final Pattern PLAUSIBLE = Pattern.compile("[A-Za-z0-9._:-]{8,64}");

    /** The trace id of this request; a new one if the filter did not run (never null). */
    public static String of(HttpServletRequest request) {
        Object id = request.getAttribute(ATTRIBUTE);
        if (id instanceof String s) {
            return s;
        }
        String created = UUID.randomUUID().toString();
        request.setAttribute(ATTRIBUTE, created);
        return created;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String given = request.getHeader(HEADER);
        String id = given != null && PLAUSIBLE.matcher(given).matches() ? given : UUID.randomUUID().toString();
        request.setAttribute(ATTRIBUTE, id);
        response.setHeader(HEADER, id);
        MDC.put("traceId", id);
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove("traceId");
        }
    }
}
