package dev.dunning.web;

import java.security.Principal;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Who asked, as audit records, rule-set changes, approvals and runs record it: the name of the API key, or the
 * configured principal claim of a JWT (docs/security.md). Every endpoint that changes or decides something needs a
 * role, so "anonymous" is only recorded where a request reached the service without signing in.
 */
public final class Principals {

    static final String ANONYMOUS = "anonymous";

    private Principals() {}

    /** The name of the principal Spring passed to a controller method. */
    public static String name(Principal principal) {
        return principal == null || principal.getName() == null ? current() : principal.getName();
    }

    /** The signed-in caller of the current request (or {@code anonymous}), for code that has no Principal at hand. */
    public static String current() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || authentication instanceof AnonymousAuthenticationToken
                || authentication.getName() == null) {
            return ANONYMOUS;
        }
        return authentication.getName();
    }
}
