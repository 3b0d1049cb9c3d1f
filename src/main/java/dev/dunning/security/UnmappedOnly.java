package dev.dunning.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * The decision for a request no {@link EndpointRules} rule matched. An endpoint that exists but has no rule is refused
 * to everyone (deny by default: forgetting a rule locks an endpoint, it never opens it). A request that reaches no
 * endpoint at all (an unknown path, an unsupported method) is let through for an authenticated caller, so that the
 * caller learns the truth (404, 405) instead of a misleading 403; an anonymous caller gets 401 and learns nothing.
 */
final class UnmappedOnly implements AuthorizationManager<RequestAuthorizationContext> {

    private final ObjectProvider<RequestMappingHandlerMapping> mappings;
    private final AuthenticationTrustResolver trust = new AuthenticationTrustResolverImpl();

    UnmappedOnly(ObjectProvider<RequestMappingHandlerMapping> mappings) {
        this.mappings = mappings;
    }

    @Override
    public AuthorizationResult authorize(Supplier<? extends Authentication> authentication,
            RequestAuthorizationContext context) {
        Authentication who = authentication.get();
        if (who == null || !who.isAuthenticated() || trust.isAnonymous(who)) {
            return new AuthorizationDecision(false);
        }
        return new AuthorizationDecision(!hasEndpoint(context.getRequest()));
    }

    private boolean hasEndpoint(HttpServletRequest request) {
        RequestMappingHandlerMapping mapping = mappings.getIfAvailable();
        if (mapping == null) {
            return true; // cannot tell: refuse
        }
        // Matching writes request attributes (path variables, best pattern); keep them off the real request.
        HttpServletRequest probe = new PrivateAttributes(request);
        try {
            ServletRequestPathUtils.parseAndCache(probe);
            HandlerExecutionChain handler = mapping.getHandler(probe);
            return handler != null;
        } catch (Exception noMatchForMethodOrMediaType) {
            // The path is known but not with this method, content type or accepted type: Spring MVC answers
            // 405, 415 or 406, and no endpoint runs.
            return false;
        }
    }

    /** The request with attributes of its own: reads fall back to the real request, writes stay here. */
    private static final class PrivateAttributes extends HttpServletRequestWrapper {

        private final Map<String, Object> attributes = new HashMap<>();
        private final Set<String> removed = new HashSet<>();

        PrivateAttributes(HttpServletRequest request) {
            super(request);
        }

        @Override
        public Object getAttribute(String name) {
            if (attributes.containsKey(name)) {
                return attributes.get(name);
            }
            return removed.contains(name) ? null : super.getAttribute(name);
        }

        @Override
        public void setAttribute(String name, Object value) {
            attributes.put(name, value);
            removed.remove(name);
        }

        @Override
        public void removeAttribute(String name) {
            attributes.remove(name);
            removed.add(name);
        }

        @Override
        public Enumeration<String> getAttributeNames() {
            Set<String> names = new HashSet<>(Collections.list(super.getAttributeNames()));
            names.removeAll(removed);
            names.addAll(attributes.keySet());
            return Collections.enumeration(names);
        }
    }
}
