package dev.dunning.web;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Finishes every problem body on its way out, whichever handler made it: a stable {@code type} where Spring left
 * {@code about:blank} (404 for unknown paths, 405, 406, 415, ...), a title, and the request's trace id. One place, so
 * that handlers added later get the same shape without knowing of it.
 */
@ControllerAdvice
class ProblemTraceAdvice implements ResponseBodyAdvice<Object> {

    private static final URI BLANK = URI.create("about:blank");

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType contentType,
            Class<? extends HttpMessageConverter<?>> converterType, ServerHttpRequest request,
            ServerHttpResponse response) {
        if (body instanceof ProblemDetail problem) {
            if (problem.getType() == null || BLANK.equals(problem.getType())) {
                problem.setType(Problems.type(problem.getStatus()));
            }
            if (problem.getTitle() == null) {
                HttpStatus status = HttpStatus.resolve(problem.getStatus());
                problem.setTitle(status == null ? "Error" : status.getReasonPhrase());
            }
            if (request instanceof ServletServerHttpRequest servlet) {
                HttpServletRequest r = servlet.getServletRequest();
                problem.setProperty("traceId", TraceIdFilter.of(r));
            }
        }
        return body;
    }
}
