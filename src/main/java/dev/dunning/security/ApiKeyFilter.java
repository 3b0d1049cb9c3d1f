package dev.dunning.security;

import dev.dunning.database.Unreachable;
import dev.dunning.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Authenticates a request that carries an API key, in {@code X-Api-Key} or as {@code Authorization: Bearer <key>}.
 * A bearer token shaped like a JWT (three dot-separated parts) is left to the JWT sign-in when that is configured. A
 * key that is unknown or revoked is answered with 401 at once: a caller that sent a wrong key must not be treated as
 * an anonymous one. A key is checked against the short-lived cache of verified keys first ({@link ApiKeys#verify});
 * one that must be looked up while the database is unreachable is answered 503 with {@code Retry-After} at once.
 */
final class ApiKeyFilter extends OncePerRequestFilter {

    static final String HEADER = "X-Api-Key";

    private final ApiKeys keys;
    private final AuthenticationEntryPoint entryPoint;
    private final boolean jwtEnabled;
    private final JsonMapper json;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    ApiKeyFilter(ApiKeys keys, AuthenticationEntryPoint entryPoint, boolean jwtEnabled, JsonMapper json) {
        this.keys = keys;
        this.json = json;
        this.entryPoint = entryPoint;
        this.jwtEnabled = jwtEnabled;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<String> presented = presentedKey(request, jwtEnabled);
        if (presented.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        Optional<ApiKeys.StoredKey> key;
        try {
            key = keys.verify(presented.get());
        } catch (RuntimeException e) {
            if (!Unreachable.causedBy(e)) {
                throw e;
            }
            // A key not in the cache cannot be checked: 503 at once, as the endpoint itself would answer.
            contexts.clearContext();
            Problems.databaseUnavailable(request, response, json);
            return;
        }
        if (key.isEmpty()) {
            contexts.clearContext();
            entryPoint.commence(request, response, new BadCredentialsException(
                    "The API key is unknown or has been revoked; ask an administrator for a valid key"));
            return;
        }
        keys.touch(key.get());
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(new ApiKeyAuthentication(key.get()));
        contexts.setContext(context);
        chain.doFilter(request, response);
    }

    static Optional<String> presentedKey(HttpServletRequest request, boolean jwtEnabled) {
        String header = request.getHeader(HEADER);
        if (header != null && !header.isBlank()) {
            return Optional.of(header.strip());
        }
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).strip();
            if (!token.isEmpty() && !(jwtEnabled && looksLikeJwt(token))) {
                return Optional.of(token);
            }
        }
        return Optional.empty();
    }

    static boolean looksLikeJwt(String token) {
        return token.chars().filter(c -> c == '.').count() == 2;
    }
}
