package dev.dunning.security;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** What a principal may do; a principal may hold several (docs/security.md has the endpoint matrix). */
public enum Role {
    /** Writes facts, requests and evaluates decisions, posts contact events. */
    BILLING_SYSTEM,
    /** Rule sets (validate, upload, simulate, activate), approvals of hand-over and suspension, runs. */
    CREDIT_CONTROLLER,
    /** Reads decisions, the audit log, explanations, rule-set history and files; never writes. */
    AUDITOR,
    /** API keys and operations endpoints. */
    ADMIN;

    /** The Spring Security authority of this role. */
    public String authority() {
        return "ROLE_" + name();
    }

    /**
     * Roles from a comma-separated list such as {@code CREDIT_CONTROLLER,AUDITOR}, case-insensitive.
     *
     * @throws IllegalArgumentException naming the unknown role and the known ones
     */
    public static Set<Role> parse(String list) {
        Set<Role> roles = new LinkedHashSet<>();
        for (String part : list.split(",")) {
            String name = part.strip();
            if (!name.isEmpty()) {
                roles.add(of(name));
            }
        }
        return roles;
    }

    public static Role of(String name) {
        try {
            return valueOf(name.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + name + "\" is not a role; use one of " + names(EnumSet.allOf(Role.class)));
        }
    }

    static String names(Set<Role> roles) {
        return roles.stream().sorted().map(Role::name).collect(Collectors.joining(","));
    }

    static List<String> authorities(Set<Role> roles) {
        return roles.stream().map(Role::authority).toList();
    }
}
