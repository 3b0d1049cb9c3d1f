package dev.dunning.security;

import java.util.Set;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * A person signed in by the company's OpenID Connect provider, as the console knows them: named by the configured
 * claim, with the roles their groups map to ({@link OidcProperties}). A person without a name or without a mapped group
 * is refused: the console grants nothing by default.
 */
final class OidcPeople extends OidcUserService {

    private final OidcProperties settings;

    OidcPeople(OidcProperties settings) {
        this.settings = settings;
    }

    @Override
    public OidcUser loadUser(OidcUserRequest request) {
        OidcUser user = super.loadUser(request);
        Object name = user.getClaims().get(settings.nameClaim());
        if (!(name instanceof String n) || n.isBlank()) {
            throw refused("invalid_user_info", "the identity provider named no " + settings.nameClaim()
                    + " (dunning.console.oidc.name-claim)");
        }
        Set<Role> roles = settings.roles(JwtRoles.claimValues(user.getClaims(), settings.groupsClaim()));
        if (roles.isEmpty()) {
            throw refused("access_denied", "none of the person's groups (claim " + settings.groupsClaim()
                    + ") is mapped to a role by dunning.console.oidc.group-roles");
        }
        var authorities = Role.authorities(roles).stream().map(a -> (GrantedAuthority) new SimpleGrantedAuthority(a))
                .toList();
        return new DefaultOidcUser(authorities, user.getIdToken(), user.getUserInfo(), settings.nameClaim());
    }

    private static OAuth2AuthenticationException refused(String code, String why) {
        return new OAuth2AuthenticationException(new OAuth2Error(code, why, null), why);
    }
}
