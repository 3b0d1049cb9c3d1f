package dev.dunning.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.web.WebAttributes;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The console's shared pages: sign-in, the start page and the page of a refused request. */
@ConsolePage
class ConsoleController {

    /** Where a company sign-in starts (ConsoleSecurityConfiguration.OIDC_START), one path per registration. */
    static final String COMPANY_SIGN_IN = "/console/oauth2/authorization/";

    private final ObjectProvider<ClientRegistrationRepository> registrations;

    ConsoleController(ObjectProvider<ClientRegistrationRepository> registrations) {
        this.registrations = registrations;
    }

    @GetMapping("/console/login")
    String login(@RequestParam(name = "next", required = false) String next, Model model) {
        model.addAttribute("next", next);
        // The company's identity providers, when configured: one link each (registration id -> its name).
        Map<String, String> providers = new LinkedHashMap<>();
        if (registrations.getIfAvailable() instanceof Iterable<?> configured) {
            configured.forEach(r -> {
                ClientRegistration registration = (ClientRegistration) r;
                providers.put(COMPANY_SIGN_IN + registration.getRegistrationId(), registration.getClientName());
            });
        }
        model.addAttribute("providers", providers);
        return "console/login";
    }

    @GetMapping("/console")
    String home() {
        return "console/home";
    }

    static final String FAILED = "/console/failed";

    /**
     * The problem page of a console request that failed outside any controller (the container's error page forwards
     * here): the status, a generic detail and the trace id, never the exception.
     */
    @RequestMapping(FAILED)
    String failed(HttpServletRequest request, HttpServletResponse response, Model model) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : HttpStatus.NOT_FOUND.value();
        response.setStatus(status);
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String key = status >= 500 ? "problem.internal" : status == 404 ? "problem.http.404" : "problem.failed";
        return ConsoleProblems.show(request, response, model, HttpStatus.valueOf(status), key + ".title",
                key + ".detail", null, uri instanceof String path ? path : request.getRequestURI());
    }

    /**
     * A request the person's roles do not allow (Spring Security forwards here with 403 already set), or a form whose
     * CSRF token is missing or not this session's. Asked for directly, it says the same.
     */
    @RequestMapping("/console/denied")
    String denied(HttpServletRequest request, HttpServletResponse response, Model model) {
        Object refused = request.getAttribute(WebAttributes.ACCESS_DENIED_403);
        boolean csrf = refused instanceof CsrfException;
        response.setStatus(HttpStatus.FORBIDDEN.value());
        Object uri = request.getAttribute(RequestDispatcher.FORWARD_REQUEST_URI);
        return ConsoleProblems.show(request, response, model, HttpStatus.FORBIDDEN,
                csrf ? "problem.csrf.title" : "problem.forbidden.title",
                csrf ? "problem.csrf.detail" : "problem.forbidden.detail", null,
                uri instanceof String path ? path : request.getRequestURI());
    }
}
