package dev.dunning.security;

import static dev.dunning.security.Role.ADMIN;
import static dev.dunning.security.Role.AUDITOR;
import static dev.dunning.security.Role.BILLING_SYSTEM;
import static dev.dunning.security.Role.CREDIT_CONTROLLER;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Who may call which endpoint: the one place that says it. The first rule that matches a request's method and path
 * decides; a request no rule matches is refused (see {@link SecurityConfiguration}). Paths of features still being
 * built (rule-set versions, runs, approvals, the outbox, contact events) have their rules here already, so that they
 * are protected the moment they exist. docs/security.md shows this table as a matrix; keep the two together.
 */
public final class EndpointRules {

    /**
     * One rule: a method (null for every method), a path pattern, and who may pass: anyone when open, else the
     * holders of one of the roles (no roles: nobody).
     */
    public record Rule(HttpMethod method, String pattern, Set<Role> roles, boolean open) {

        boolean matches(HttpMethod requestMethod, String path) {
            return (method == null || method.equals(requestMethod))
                    && PARSER.parse(pattern).matches(PathContainer.parsePath(path));
        }

        /** Whether a principal with these roles passes this rule. */
        public boolean allows(Set<Role> held) {
            return open || held.stream().anyMatch(roles::contains);
        }
    }

    private static final PathPatternParser PARSER = PathPatternParser.defaultInstance;
    private static final HttpMethod ANY = null;
    private static final HttpMethod GET = HttpMethod.GET;
    private static final HttpMethod POST = HttpMethod.POST;
    private static final HttpMethod PUT = HttpMethod.PUT;
    private static final HttpMethod DELETE = HttpMethod.DELETE;

    public static final List<Rule> ALL = List.of(
            // Public: probes of load balancers and orchestrators (no details), and the API description.
            open(GET, "/actuator/health"),
            open(GET, "/actuator/health/**"),
            open(GET, "/v3/api-docs"),
            open(GET, "/v3/api-docs.yaml"),
            open(GET, "/v3/api-docs/**"),
            open(GET, "/swagger-ui.html"),
            open(GET, "/swagger-ui/**"),

            // The container's error page renders a request that already failed (an ERROR dispatch, which
            // SecurityConfiguration lets through); asked for directly it is a route like any other: refused.
            refused(ANY, "/error"),

            // Operations and credentials.
            rule(ANY, "/actuator/**", ADMIN),
            rule(ANY, "/api/v1/api-keys/**", ADMIN),

            // Facts: billing systems write them; auditors may read what decisions were made on; credit controllers
            // read customers and invoices and add or end holds (a dispute, a promise to pay), as the console lets them.
            rule(PUT, "/api/v1/customers/*", BILLING_SYSTEM),
            rule(POST, "/api/v1/customers/*/holds", BILLING_SYSTEM, CREDIT_CONTROLLER),
            rule(DELETE, "/api/v1/customers/*/holds/*", BILLING_SYSTEM, CREDIT_CONTROLLER),
            rule(POST, "/api/v1/customers/*/contacts", BILLING_SYSTEM),
            rule(GET, "/api/v1/customers/*/decisions", BILLING_SYSTEM, AUDITOR),
            rule(GET, "/api/v1/customers/**", BILLING_SYSTEM, AUDITOR, CREDIT_CONTROLLER),
            rule(PUT, "/api/v1/invoices/*", BILLING_SYSTEM),
            rule(POST, "/api/v1/invoices/*/payments", BILLING_SYSTEM),
            rule(POST, "/api/v1/invoices/*/payment-failures", BILLING_SYSTEM),
            rule(GET, "/api/v1/invoices/**", BILLING_SYSTEM, AUDITOR, CREDIT_CONTROLLER),
            rule(POST, "/api/v1/import/*", BILLING_SYSTEM),
            rule(ANY, "/api/v1/contact-events/**", BILLING_SYSTEM),

            // Decisions: asked for by billing systems; read back by them and by auditors.
            rule(POST, "/api/v1/decisions", BILLING_SYSTEM),
            rule(POST, "/api/v1/decisions/evaluate", BILLING_SYSTEM),
            rule(GET, "/api/v1/decisions/**", BILLING_SYSTEM, AUDITOR),

            // The audit log: auditors only.
            rule(GET, "/api/v1/audit/**", AUDITOR),
            rule(POST, "/api/v1/audit/verify", AUDITOR),

            // Rules: the codes are for everyone; the rule set in force and its versions for credit controllers
            // and auditors; changing rule sets for credit controllers. The review requests of four eyes
            // (/rule-sets/{version}/reviews, /rule-sets/reviews/{id}/approve|reject|withdraw) are among them: auditors
            // read them, credit controllers ask, approve, reject and withdraw.
            rule(GET, "/api/v1/catalogue", BILLING_SYSTEM, CREDIT_CONTROLLER, AUDITOR, ADMIN),
            rule(GET, "/api/v1/rule-set/**", CREDIT_CONTROLLER, AUDITOR),
            rule(GET, "/api/v1/rule-sets/**", CREDIT_CONTROLLER, AUDITOR),
            rule(ANY, "/api/v1/rule-sets/**", CREDIT_CONTROLLER),

            // Batch runs and the approvals of hand-over and suspension: credit controllers.
            rule(ANY, "/api/v1/runs/**", CREDIT_CONTROLLER),
            rule(ANY, "/api/v1/approvals/**", CREDIT_CONTROLLER),
            // Customers a decision sent to a person (vulnerable, do-not-contact): read from the audit log.
            rule(GET, "/api/v1/manual-reviews", CREDIT_CONTROLLER, AUDITOR),
            // Recording that a manual review is dealt with: the credit controllers who work the queue.
            rule(POST, "/api/v1/manual-reviews/*/dealt-with", CREDIT_CONTROLLER),

            // Champion/challenger tests of rule sets: credit controllers run them (four eyes); auditors may read.
            rule(GET, "/api/v1/challenger-tests/**", CREDIT_CONTROLLER, AUDITOR),
            rule(POST, "/api/v1/challenger-tests/**", CREDIT_CONTROLLER),

            // Effectiveness figures: read by credit controllers and auditors.
            rule(GET, "/api/v1/effectiveness/**", CREDIT_CONTROLLER, AUDITOR),

            // Dispatch: operations; credit controllers may look at what is waiting or failed; auditors may read a
            // decision's own entry (what was dispatched for it), not the lists or the message previews.
            rule(GET, "/api/v1/outbox/dead-letters", ADMIN, CREDIT_CONTROLLER),
            rule(GET, "/api/v1/outbox/*", ADMIN, CREDIT_CONTROLLER, AUDITOR),
            rule(GET, "/api/v1/outbox/**", ADMIN, CREDIT_CONTROLLER),
            rule(ANY, "/api/v1/outbox/**", ADMIN));

    /**
     * The console's pages ({@code /console/**}, its own filter chain: people signed in with a session). Same roles,
     * same rule: the first match decides and a page without a rule is refused. A page of a feature is open to the
     * roles its API endpoints are open to, so that nothing is possible in one that the other refuses.
     */
    public static final List<Rule> CONSOLE = List.of(
            open(GET, "/console/login"),
            open(POST, "/console/login"),
            open(GET, "/console/assets/**"),
            open(GET, "/console/webjars/**"),
            // Company sign-in (OpenID Connect, when configured): the start and the provider's way back.
            open(GET, "/console/oauth2/authorization/*"),
            open(GET, "/console/login/oauth2/code/*"),
            rule(POST, "/console/logout", Role.values()),
            rule(GET, "/console", Role.values()),
            rule(ANY, "/console/denied", Role.values()),
            // The problem page of a console request that failed outside any controller (forwarded to).
            open(ANY, "/console/failed"),

            // Rule sets: credit controllers change them; auditors may look.
            rule(GET, "/console/rule-sets/**", CREDIT_CONTROLLER, AUDITOR),
            rule(ANY, "/console/rule-sets/**", CREDIT_CONTROLLER),

            // Decisions and the audit log: auditors, as the API's /api/v1/audit/** (verify a POST, as the API's).
            rule(GET, "/console/decisions", AUDITOR),
            rule(POST, "/console/decisions/verify", AUDITOR),
            rule(GET, "/console/decisions/**", AUDITOR),

            // Work queues, as the API's approvals (credit controllers) and dead letters (credit controllers look,
            // admins re-queue); the manual-review queue reads the audit log's MANUAL_REVIEW decisions, which the API
            // gives as /api/v1/manual-reviews to the same roles.
            rule(GET, "/console/queues", CREDIT_CONTROLLER, AUDITOR, ADMIN),
            rule(ANY, "/console/queues/approvals/**", CREDIT_CONTROLLER),
            rule(GET, "/console/queues/manual-review", CREDIT_CONTROLLER, AUDITOR),
            rule(POST, "/console/queues/manual-review/*/dealt-with", CREDIT_CONTROLLER),
            rule(GET, "/console/queues/dead-letters", ADMIN, CREDIT_CONTROLLER),
            rule(POST, "/console/queues/dead-letters/*/requeue", ADMIN),

            // Customers, as the API's facts: read by credit controllers, auditors and billing systems; holds added and
            // ended by credit controllers (and billing systems).
            rule(GET, "/console/customers/**", CREDIT_CONTROLLER, AUDITOR, BILLING_SYSTEM),
            rule(POST, "/console/customers/*/holds", CREDIT_CONTROLLER, BILLING_SYSTEM),
            rule(POST, "/console/customers/*/holds/*/end", CREDIT_CONTROLLER, BILLING_SYSTEM),

            // Runs: credit controllers, as the API's /api/v1/runs/** (start, progress, report, stop, restart).
            rule(ANY, "/console/runs", CREDIT_CONTROLLER),
            rule(ANY, "/console/runs/**", CREDIT_CONTROLLER),

            // Effectiveness, as the API's /api/v1/effectiveness/** (read only: credit controllers and auditors).
            rule(GET, "/console/effectiveness", CREDIT_CONTROLLER, AUDITOR),
            rule(GET, "/console/effectiveness/**", CREDIT_CONTROLLER, AUDITOR),

            // Champion/challenger tests, as the API's /api/v1/challenger-tests/**: credit controllers propose, stop,
            // roll back and promote (approval is a review request: /console/rule-sets/reviews/**); auditors read.
            rule(GET, "/console/challenger-tests", CREDIT_CONTROLLER, AUDITOR),
            rule(GET, "/console/challenger-tests/**", CREDIT_CONTROLLER, AUDITOR),
            rule(POST, "/console/challenger-tests", CREDIT_CONTROLLER),
            rule(POST, "/console/challenger-tests/*/stop", CREDIT_CONTROLLER),
            rule(POST, "/console/challenger-tests/*/rollback", CREDIT_CONTROLLER),
            rule(POST, "/console/challenger-tests/*/promote", CREDIT_CONTROLLER),

            // People and API keys: administrators, as the API's /api/v1/api-keys/** and the user command.
            rule(ANY, "/console/admin", ADMIN),
            rule(ANY, "/console/admin/**", ADMIN));

    private EndpointRules() {}

    /** The rule that decides this request, as the filter chains apply them: the first match of its chain's rules. */
    public static Optional<Rule> find(HttpMethod method, String path) {
        List<Rule> rules = path.equals("/console") || path.startsWith("/console/") ? CONSOLE : ALL;
        return rules.stream().filter(r -> r.matches(method, path)).findFirst();
    }

    private static Rule open(HttpMethod method, String pattern) {
        return new Rule(method, pattern, Set.of(), true);
    }

    private static Rule refused(HttpMethod method, String pattern) {
        return new Rule(method, pattern, Set.of(), false);
    }

    private static Rule rule(HttpMethod method, String pattern, Role... roles) {
        return new Rule(method, pattern, EnumSet.copyOf(Arrays.asList(roles)), false);
    }

    /**
     * Gives Spring Security these rules in order (open, denied, or the roles that may), then refuses every path the
     * rules do not name unless no handler serves it (a 404 then stays a 404): deny by default, for each filter chain.
     */
    static void authorize(
            AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry authorize,
            List<Rule> rules, ObjectProvider<RequestMappingHandlerMapping> mappings) {
        for (Rule rule : rules) {
            var matcher = PathPatternRequestMatcher.withDefaults().matcher(rule.method(), rule.pattern());
            if (rule.open()) {
                authorize.requestMatchers(matcher).permitAll();
            } else if (rule.roles().isEmpty()) {
                authorize.requestMatchers(matcher).denyAll();
            } else {
                authorize.requestMatchers(matcher).hasAnyRole(rule.roles().stream().map(Role::name)
                        .toArray(String[]::new));
            }
        }
        authorize.anyRequest().access(new UnmappedOnly(mappings));
    }
}
