package dev.dunning.security;

import dev.dunning.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/** 401 and 403 as problem+json: what is missing or not allowed, and how to fix it; never which keys exist. */
final class ProblemEntryPoints implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final JsonMapper json;

    ProblemEntryPoints(JsonMapper json) {
        this.json = json;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException reason)
            throws IOException {
        String detail;
        if (reason instanceof InsufficientAuthenticationException) {
            detail = request.getMethod() + " " + request.getRequestURI() + " needs credentials: send an API key in the "
                    + "X-Api-Key header (or Authorization: Bearer <key>), or a JWT of the configured identity provider";
        } else if (reason instanceof BadCredentialsException bad && bad.getMessage().contains("API key")) {
            detail = bad.getMessage();
        } else {
            detail = "The bearer token was refused (expired, not signed by the configured identity provider, or "
                    + "malformed); sign in again";
        }
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        Problems.write(request, response, json, HttpStatus.UNAUTHORIZED, Problems.UNAUTHENTICATED,
                "Authentication required", detail);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
        Problems.write(request, response, json, HttpStatus.FORBIDDEN, Problems.FORBIDDEN, "Not allowed",
                request.getMethod() + " " + request.getRequestURI() + " is not allowed for your roles"
                        + EndpointRules.find(org.springframework.http.HttpMethod.valueOf(request.getMethod()),
                                        request.getRequestURI())
                                .filter(r -> !r.open() && !r.roles().isEmpty())
                                .map(r -> "; it needs one of " + Role.names(r.roles()))
                                .orElse("")
                        + " (docs/security.md lists who may call what)");
    }
}
