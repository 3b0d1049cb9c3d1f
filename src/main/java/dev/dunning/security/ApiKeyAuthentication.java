package dev.dunning.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

/** A caller that presented an active API key; its name is the key's name. */
final class ApiKeyAuthentication extends AbstractAuthenticationToken {

    private final String name;

    ApiKeyAuthentication(ApiKeys.StoredKey key) {
        super(AuthorityUtils.createAuthorityList(Role.authorities(key.roles())));
        this.name = key.name();
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return ""; // the key itself is not kept past the lookup
    }

    @Override
    public Object getPrincipal() {
        return name;
    }

    @Override
    public String getName() {
        return name;
    }
}
