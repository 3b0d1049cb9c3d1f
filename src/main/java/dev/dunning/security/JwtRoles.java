package dev.dunning.security;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;

/**
 * The roles of a JWT's caller, from the configured claim ({@code dunning.security.jwt.roles-claim}) through the
 * configured mapping ({@code dunning.security.jwt.roles[...]}). A value the mapping does not know grants nothing.
 */
final class JwtRoles implements Converter<Jwt, Collection<GrantedAuthority>> {

    private final SecurityProperties.Jwt settings;

    JwtRoles(SecurityProperties.Jwt settings) {
        this.settings = settings;
    }

    static JwtAuthenticationConverter converter(SecurityProperties.Jwt settings) {
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(new JwtRoles(settings));
        converter.setPrincipalClaimName(settings.principalClaim());
        return converter;
    }

    @Override
    public Collection<GrantedAuthority> convert(Jwt jwt) {
        return roles(claimValues(jwt.getClaims(), settings.rolesClaim()), settings).stream()
                .map(r -> (GrantedAuthority) new SimpleGrantedAuthority(r.authority()))
                .toList();
    }

    static Set<Role> roles(List<String> values, SecurityProperties.Jwt settings) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String value : values) {
            if (settings.roles().isEmpty()) {
                for (Role role : Role.values()) {
                    if (role.name().equalsIgnoreCase(value)) {
                        roles.add(role);
                    }
                }
            } else {
                roles.addAll(settings.roles().getOrDefault(value, Set.of()));
            }
        }
        return roles;
    }

    /** Whether some claim value would make its holder an administrator. */
    static boolean mapsToAdmin(SecurityProperties.Jwt settings) {
        return settings.roles().isEmpty() || settings.roles().values().stream().anyMatch(r -> r.contains(Role.ADMIN));
    }

    /** The strings under a dotted claim path: a list of strings, or one string of space-separated values. */
    static List<String> claimValues(Map<String, Object> claims, String path) {
        Object current = claims;
        for (String part : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return List.of();
            }
            current = map.get(part);
        }
        if (current instanceof Collection<?> list) {
            return list.stream().filter(String.class::isInstance).map(String.class::cast).toList();
        }
        if (current instanceof String s) {
            return List.of(s.strip().split("\\s+"));
        }
        return List.of();
    }
}
