package dev.dunning.security;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.oidc.authentication.OidcAuthorizationCodeAuthenticationProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The console's filter chain, beside the API's: people sign in with a form and keep a session (cookie flags and idle
 * timeout from {@link ConsoleProperties}), every form and htmx request carries a CSRF token, and {@link EndpointRules}
 * ({@code CONSOLE}) says who may open which page, with everything else refused. The API's chain never reads this
 * session: a console cookie sent to {@code /api} authenticates nothing. When a client registration is configured,
 * people may also sign in through the company's OpenID Connect provider, on this chain only ({@link OidcPeople}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class ConsoleSecurityConfiguration {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ConsoleSecurityConfiguration.class);
    static final String LOGIN = "/console/login";
    static final String DENIED = "/console/denied";
    /** Which requests are the console's: its pages, assets and sign-in. */
    static final RequestMatcher CONSOLE = PathPatternRequestMatcher.withDefaults().matcher("/console/**");

    @Bean
    @Order(2)
    SecurityFilterChain consoleSecurity(HttpSecurity http, ConsoleUsers users, ConsoleProperties properties,
            Clock clock, @Qualifier("requestMappingHandlerMapping") ObjectProvider<RequestMappingHandlerMapping> mappings,
            ObjectProvider<ClientRegistrationRepository> registrations, OidcProperties oidc)
            throws Exception {
        AuthenticationEntryPoint entry = new ConsoleEntryPoint();
        HttpSessionRequestCache cache = new HttpSessionRequestCache();
        // Return to the page a person asked for, never to an htmx fragment of it (the entry point names the page).
        cache.setRequestMatcher(request -> "GET".equals(request.getMethod()) && !ConsoleEntryPoint.isHtmx(request));
        DaoAuthenticationProvider provider = new DaoAuthenticationProvider(people(users, clock));
        provider.setPasswordEncoder(users.encoder());
        boolean company = registrations.getIfAvailable() != null;
        // This chain's own manager (no parent): local accounts, and the company's provider when configured.
        java.util.List<org.springframework.security.authentication.AuthenticationProvider> providers =
                new java.util.ArrayList<>(java.util.List.of(provider));
        if (company) {
            providers.add(new OidcAuthorizationCodeAuthenticationProvider(
                    new RestClientAuthorizationCodeTokenResponseClient(), new OidcPeople(oidc)));
        }
        http.securityMatcher(CONSOLE)
                .authenticationManager(new ProviderManager(providers))
                .requestCache(r -> r.requestCache(cache))
                .formLogin(form -> form.loginPage(LOGIN).loginProcessingUrl(LOGIN)
                        .successHandler(new SignedIn(users, properties, cache))
                        .failureHandler((request, response, e) -> failed(users, properties, request, response, e)))
                .logout(logout -> logout.logoutUrl("/console/logout").logoutSuccessUrl(LOGIN + "?signed-out")
                        .deleteCookies("DUNNING_CONSOLE"))
                .sessionManagement(s -> s.sessionFixation(f -> f.changeSessionId()))
                .exceptionHandling(e -> e.authenticationEntryPoint(entry).accessDeniedHandler(denied(entry)))
                .headers(h -> h
                        .contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'self'; img-src 'self' data:; "
                                + "style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; "
                                + "form-action 'self'; frame-ancestors 'none'"))
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)))
                .authorizeHttpRequests(authorize -> {
                    // A forwarded 403 page and the container's error page render what was already decided.
                    authorize.dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.FORWARD).permitAll();
                    EndpointRules.authorize(authorize, EndpointRules.CONSOLE, mappings);
                });
        // Company sign-in (OpenID Connect) when a client registration is configured: on this chain only, under /console,
        // so the API's chain never takes part in it.
        if (company) {
            http.oauth2Login(login -> login.loginPage(LOGIN)
                    .authorizationEndpoint(a -> a.baseUri(OIDC_START))
                    .redirectionEndpoint(r -> r.baseUri(OIDC_RETURN))
                    .userInfoEndpoint(u -> u.oidcUserService(new OidcPeople(oidc)))
                    .successHandler(new SignedIn(users, properties, cache))
                    .failureHandler((request, response, e) -> {
                        // The page says only that it did not work; the log says why, for the administrator.
                        log.info("Company sign-in refused: {}", e.getMessage());
                        response.sendRedirect(request.getContextPath() + LOGIN + "?company-error");
                    }));
        }
        return http.build();
    }

    /** Where a company sign-in starts ({@code /console/oauth2/authorization/<registration>}) and comes back. */
    public static final String OIDC_START = "/console/oauth2/authorization";
    static final String OIDC_RETURN = "/console/login/oauth2/code/*";

    /** The people of {@link ConsoleUsers} as Spring Security reads them; a lockout that has not ended refuses. */
    static UserDetailsService people(ConsoleUsers users, Clock clock) {
        return name -> {
            ConsoleUsers.User user = users.find(name)
                    .orElseThrow(() -> new UsernameNotFoundException("no such person"));
            return User.withUsername(user.name())
                    .password(users.passwordHash(name).orElseThrow())
                    .authorities(Role.authorities(user.roles()).toArray(String[]::new))
                    .disabled(!user.enabled())
                    .accountLocked(user.lockedAt(clock.instant()))
                    .build();
        };
    }

    /**
     * A refused sign-in: a wrong password counts towards the lockout. Wrong name, wrong password, disabled and locked
     * get the same answer, so that the form does not tell a stranger which names exist.
     */
    private static void failed(ConsoleUsers users, ConsoleProperties properties, HttpServletRequest request,
            HttpServletResponse response, AuthenticationException e) throws IOException {
        String name = request.getParameter("username");
        if (e instanceof BadCredentialsException && name != null) {
            users.recordFailure(name, properties.maxFailedLogins(), properties.lockout());
        }
        String next = SignedIn.safeTarget(request.getParameter("next")).map(t -> "&next=" + encode(t))
                .orElse("");
        response.sendRedirect(request.getContextPath() + LOGIN + "?error" + next);
    }

    /**
     * A CSRF token without a live session (it ended, or the cookie is gone) is an expired sign-in: sign in again. A
     * token that does not match a live session is refused.
     * Otherwise the 403 page, rendered by the console (a full page, or for htmx its problem fragment).
     */
    private static AccessDeniedHandler denied(AuthenticationEntryPoint entry) {
        AccessDeniedHandlerImpl page = new AccessDeniedHandlerImpl();
        page.setErrorPage(DENIED);
        return (request, response, e) -> {
            if (e instanceof CsrfException && !request.isRequestedSessionIdValid()) {
                entry.commence(request, response, new org.springframework.security.authentication
                        .InsufficientAuthenticationException("the session has ended"));
                return;
            }
            page.handle(request, response, e);
        };
    }

    static String encode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Sends a person who is not signed in to the login page: a full page by redirect; an htmx request by
     * {@code HX-Redirect}, so that htmx loads the login page as a whole page instead of swapping it into a fragment,
     * naming the page the person was on ({@code HX-Current-URL}) to come back to.
     */
    static final class ConsoleEntryPoint implements AuthenticationEntryPoint {

        private final LoginUrlAuthenticationEntryPoint page = new LoginUrlAuthenticationEntryPoint(LOGIN);

        static boolean isHtmx(HttpServletRequest request) {
            return "true".equals(request.getHeader("HX-Request"));
        }

        @Override
        public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
                throws IOException, jakarta.servlet.ServletException {
            if (!isHtmx(request)) {
                page.commence(request, response, e);
                return;
            }
            String target = LOGIN + currentPage(request).map(p -> "?next=" + encode(p)).orElse("");
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.setHeader("HX-Redirect", request.getContextPath() + target);
        }

        private static Optional<String> currentPage(HttpServletRequest request) {
            String current = request.getHeader("HX-Current-URL");
            if (current == null) {
                return Optional.empty();
            }
            try {
                URI uri = URI.create(current);
                String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
                return SignedIn.safeTarget(path);
            } catch (IllegalArgumentException notAUri) {
                return Optional.empty();
            }
        }
    }

    /**
     * A successful sign-in: the failure count starts again, the idle timeout applies, and the person goes back to the
     * page they were on (a {@code next} target within the console) or asked for.
     */
    static final class SignedIn extends SavedRequestAwareAuthenticationSuccessHandler {

        private final ConsoleUsers users;
        private final ConsoleProperties properties;

        SignedIn(ConsoleUsers users, ConsoleProperties properties, HttpSessionRequestCache cache) {
            this.users = users;
            this.properties = properties;
            setRequestCache(cache);
            setDefaultTargetUrl("/console");
        }

        @Override
        public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
                org.springframework.security.core.Authentication authentication)
                throws IOException, jakarta.servlet.ServletException {
            if (!(authentication instanceof OAuth2AuthenticationToken)) {
                users.recordSuccess(authentication.getName()); // a local account; the company's has no row here
            }
            request.getSession().setMaxInactiveInterval((int) Math.min(Integer.MAX_VALUE,
                    properties.idleTimeout().toSeconds()));
            Optional<String> target = safeTarget(request.getParameter("next"));
            if (target.isPresent()) {
                clearAuthenticationAttributes(request);
                getRedirectStrategy().sendRedirect(request, response, target.get());
                return;
            }
            super.onAuthenticationSuccess(request, response, authentication);
        }

        /** A page of this console to go back to; anything else (another site, "//host", a login loop) is ignored. */
        static Optional<String> safeTarget(String target) {
            if (target == null || !target.startsWith("/console") || target.startsWith("//")
                    || target.contains("\\") || target.startsWith(LOGIN)
                    || target.chars().anyMatch(Character::isISOControl)) {
                return Optional.empty();
            }
            return Optional.of(target);
        }
    }
}
