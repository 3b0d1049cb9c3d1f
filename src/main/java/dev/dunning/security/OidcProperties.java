package dev.dunning.security;

import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Sign-in to the console through the company's OpenID Connect provider (docs/console.md, "Company sign-in"). It is on
 * only when a client registration is configured ({@code spring.security.oauth2.client.registration.<id>.*}); these
 * settings say who the person is and what they may do.
 *
 * @param groupsClaim the claim (a dotted path) holding the person's groups: a list of strings or one space-separated
 *     string
 * @param nameClaim the claim that names the person: their name in audit records, rule-set events and runs, as a local
 *     account's name is
 * @param groupRoles group to roles, e.g. {@code dunning.console.oidc.group-roles.dunning-controllers=CREDIT_CONTROLLER}
 *     (a group with dots in brackets: {@code group-roles[dunning.controllers]}); a person none of whose groups is
 *     listed is refused
 */
@ConfigurationProperties("dunning.console.oidc")
public record OidcProperties(
        @DefaultValue("groups") String groupsClaim,
        @DefaultValue("preferred_username") String nameClaim,
        Map<String, Set<Role>> groupRoles) {

    public OidcProperties {
        groupRoles = groupRoles == null ? Map.of() : Map.copyOf(groupRoles);
    }

    /** The roles these groups give. */
    Set<Role> roles(Iterable<String> groups) {
        Set<Role> roles = java.util.EnumSet.noneOf(Role.class);
        groups.forEach(g -> roles.addAll(groupRoles.getOrDefault(g, Set.of())));
        return roles;
    }
}
