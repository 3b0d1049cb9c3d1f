package dev.dunning.security;

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

/**
 * Authenticates a request that carries an API key, in {@code X-Api-Key} or as {@code Authorization: Bearer <key>}.
 * A bearer token shaped like a JWT (three dot-separated parts) is left to the JWT sign-in when that is configured. A
 * key that is unknown or revoked is answered with 401 at once: a caller that sent a wrong key must not be treated as
 * an anonymous one.
 */
final class ApiKeyFilter extends OncePerRequestFilter {

    static final String HEADER = "X-Api-Key";

    private final ApiKeys keys;
    private final AuthenticationEntryPoint entryPoint;
    private final boolean jwtEnabled;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    ApiKeyFilter(ApiKeys keys, AuthenticationEntryPoint entryPoint, boolean jwtEnabled) {
        this.keys = keys;
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
        Optional<ApiKeys.StoredKey> key = keys.findActive(presented.get());
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
