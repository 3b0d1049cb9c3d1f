package dev.dunning.security;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Credentials and access settings (docs/security.md).
 *
 * @param adminKey an API key given by the operator (environment {@code DUNNING_SECURITY_ADMIN_KEY}); stored hashed at
 *     start, so it works from the first request; at least 32 characters
 * @param adminKeyName the name (and principal) under which that key acts
 * @param adminKeyRoles the roles of that key
 * @param fourEyesRelaxed whether the uploader of a rule set may also activate it; unset means relaxed only for the
 *     embedded default (one person trying the service), required with the operator's own database
 * @param jwt sign-in with an identity provider's JWTs
 * @param apiKeyCache how long a key found active is accepted without asking the database again (requests then
 *     authenticate while it is unreachable); a revoked key is refused by the instance that revoked it at once, by other
 *     instances after at most this long. Zero asks the database on every request.
 */
@ConfigurationProperties("dunning.security")
public record SecurityProperties(
        String adminKey,
        @DefaultValue("admin") String adminKeyName,
        @DefaultValue("ADMIN") Set<Role> adminKeyRoles,
        Boolean fourEyesRelaxed,
        @DefaultValue Jwt jwt,
        @DefaultValue("30s") Duration apiKeyCache) {

    public SecurityProperties {
        if (apiKeyCache.isNegative()) {
            throw new IllegalArgumentException("dunning.security.api-key-cache must not be negative, was " + apiKeyCache);
        }
    }

    /**
     * How a JWT becomes a principal. The token itself is checked by Spring Boot's resource server settings
     * ({@code spring.security.oauth2.resourceserver.jwt.issuer-uri}, {@code jwk-set-uri} or {@code public-key-location}).
     *
     * @param rolesClaim the claim holding the caller's groups or roles; a dotted path reaches into objects
     *     ({@code realm_access.roles}); a list of strings or one space-separated string
     * @param principalClaim the claim that names the caller in audit records and four-eyes checks
     * @param roles claim value to roles, e.g. {@code dunning.security.jwt.roles[dunning-auditors]=AUDITOR}; when empty,
     *     claim values that are role names ({@code AUDITOR}) are taken as they are
     */
    public record Jwt(
            @DefaultValue("roles") String rolesClaim,
            @DefaultValue("sub") String principalClaim,
            Map<String, Set<Role>> roles) {

        public Jwt {
            roles = roles == null ? Map.of() : Map.copyOf(roles);
        }
    }
}
