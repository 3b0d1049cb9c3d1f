package dev.dunning.web;

import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** What the shared layout shows on every console page: who is signed in, what they may open, the CSRF header. */
@ControllerAdvice(annotations = ConsolePage.class)
class ConsoleModel {

    /** The console's sections and the roles that may open them, as EndpointRules.CONSOLE has them. */
    private static final Map<String, List<String>> SECTIONS = new LinkedHashMap<>();

    static {
        SECTIONS.put("rule-sets", List.of("CREDIT_CONTROLLER", "AUDITOR"));
        SECTIONS.put("decisions", List.of("AUDITOR"));
        SECTIONS.put("queues", List.of("CREDIT_CONTROLLER", "AUDITOR", "ADMIN"));
        SECTIONS.put("customers", List.of("CREDIT_CONTROLLER", "AUDITOR", "BILLING_SYSTEM"));
        SECTIONS.put("runs", List.of("CREDIT_CONTROLLER"));
        SECTIONS.put("effectiveness", List.of("CREDIT_CONTROLLER", "AUDITOR"));
        SECTIONS.put("challenger-tests", List.of("CREDIT_CONTROLLER", "AUDITOR"));
        SECTIONS.put("admin", List.of("ADMIN"));
    }

    @ModelAttribute
    void common(Model model, HttpServletRequest request) {
        addTo(model, request);
    }

    /** Also for pages that no controller method renders (the problem page of a failed request). */
    static void addTo(Model model, HttpServletRequest request) {
        Principal principal = request.getUserPrincipal();
        model.addAttribute("person", principal == null ? null : Principals.name(principal));
        // The navigation shows only the sections this person may open.
        model.addAttribute("sections", SECTIONS.entrySet().stream()
                .filter(s -> principal != null && s.getValue().stream().anyMatch(request::isUserInRole))
                .map(Map.Entry::getKey).toList());
        // htmx sends this header with every request (hx-headers on the body), so that its posts pass the CSRF check.
        Object token = request.getAttribute(CsrfToken.class.getName());
        model.addAttribute("csrfHeaders", token instanceof CsrfToken csrf
                ? "{\"" + csrf.getHeaderName() + "\": \"" + csrf.getToken() + "\"}" : "{}");
        model.addAttribute("path", request.getRequestURI());
    }

}
