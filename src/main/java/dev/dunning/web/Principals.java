package dev.dunning.web;

import java.security.Principal;

/** Who asked, as the audit log records it. */
final class Principals {

    /** Until callers authenticate, requests are recorded as coming from "anonymous". */
    static final String ANONYMOUS = "anonymous";

    private Principals() {}

    static String name(Principal principal) {
        return principal == null || principal.getName() == null ? ANONYMOUS : principal.getName();
    }
}
