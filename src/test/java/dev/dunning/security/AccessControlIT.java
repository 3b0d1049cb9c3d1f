package dev.dunning.security;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.dunning.database.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Access control as callers meet it: every endpoint of the application has an explicit rule, each role gets through
 * exactly where the rules say and 403 elsewhere, no credentials get 401; API keys from creation to revocation; JWTs of
 * an identity provider mapped to roles. Without the tests' default credentials, on a database of its own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {TestCredentials.ENABLED + "=false",
            "dunning.security.jwt.roles-claim=groups",
            "dunning.security.jwt.principal-claim=preferred_username",
            "dunning.security.jwt.roles[dunning-auditors]=AUDITOR",
            "dunning.security.jwt.roles[dunning-billing]=BILLING_SYSTEM",
            "dunning.security.jwt.roles[dunning-controllers]=CREDIT_CONTROLLER,AUDITOR"})
class AccessControlIT {

    static final KeyPair SIGNING = rsa();
    static final KeyPair STRANGER = rsa();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        TestDatabase.Connection db = TestDatabase.freshDatabase("access");
        db.register(registry);
        Path pem = Files.createDirectories(Path.of("target", "test-jwt")).resolve("idp-" + System.nanoTime() + ".pub");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(SIGNING.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location",
                () -> "file:" + pem.toAbsolutePath());
    }

    @LocalServerPort
    int port;
    @Autowired
    ApiKeys keys;
    @Autowired
    ConsoleUsers consoleUsers;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    JsonMapper json;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    Http http;
    final Map<Role, String> onlyRole = new EnumMap<>(Role.class);

    @BeforeEach
    void keysWithOneRoleEach() {
        http = new Http(port);
        for (Role role : Role.values()) {
            onlyRole.put(role, keys.create("only-" + role.name().toLowerCase() + "-" + System.nanoTime(),
                    EnumSet.of(role), "test").key());
        }
    }

    /** A method and a concrete path that a mapping or a rule stands for. */
    record Endpoint(HttpMethod method, String path) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    @Test
    void everyRequestMappingOfTheApplicationHasAnExplicitRule() {
        List<Endpoint> endpoints = mapped();
        assertThat(endpoints).as("the walk found the application's endpoints").hasSizeGreaterThan(30);
        List<String> missing = endpoints.stream()
                .filter(e -> EndpointRules.find(e.method(), e.path()).isEmpty())
                .map(Endpoint::toString).toList();
        assertThat(missing).as("endpoints without a rule in EndpointRules (deny by default refuses them to everyone; "
                + "add a rule and a line in docs/security.md)").isEmpty();
    }

    @Test
    void eachRoleGetsThroughExactlyWhereTheRulesSayAndNoCredentialsGet401() {
        Set<Endpoint> endpoints = new LinkedHashSet<>(mapped());
        endpoints.addAll(ruleSamples(EndpointRules.ALL)); // paths still being built elsewhere: protected before they exist
        endpoints.removeIf(AccessControlIT::isConsole); // people with a session: the test below
        List<String> wrong = new ArrayList<>();
        for (Endpoint e : endpoints) {
            EndpointRules.Rule rule = EndpointRules.find(e.method(), e.path()).orElseThrow();
            HttpResponse<String> anonymous = http.anonymous(e.method().name(), e.path());
            if (rule.open()) {
                expect(wrong, e, "no credentials", anonymous, !isDenied(anonymous.statusCode()));
                continue;
            }
            expect(wrong, e, "no credentials", anonymous, anonymous.statusCode() == 401 && isProblem(anonymous,
                    "unauthenticated"));
            for (Role role : Role.values()) {
                HttpResponse<String> response = http.withKey(e.method().name(), e.path(), onlyRole.get(role));
                boolean allowed = rule.allows(EnumSet.of(role));
                expect(wrong, e, role.name(), response, allowed ? !isDenied(response.statusCode())
                        : response.statusCode() == 403 && isProblem(response, "forbidden"));
            }
        }
        assertThat(wrong).as("responses that do not match EndpointRules").isEmpty();
    }

    @Test
    void actuatorHealthIsPublicWithoutDetailsAndTheRestIsForAdmins() {
        HttpResponse<String> health = http.anonymous("GET", "/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json.readTree(health.body()).propertyNames()).contains("status").doesNotContain("components",
                "details");
        assertThat(http.anonymous("GET", "/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(http.anonymous("GET", "/actuator/health/liveness").statusCode()).isEqualTo(200);

        assertThat(http.anonymous("GET", "/actuator/prometheus").statusCode()).isEqualTo(401);
        assertThat(http.withKey("GET", "/actuator/prometheus", onlyRole.get(Role.AUDITOR)).statusCode()).isEqualTo(403);
        HttpResponse<String> metrics = http.withKey("GET", "/actuator/prometheus", onlyRole.get(Role.ADMIN));
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes");
        assertThat(http.withKey("GET", "/actuator/metrics", onlyRole.get(Role.CREDIT_CONTROLLER)).statusCode())
                .isEqualTo(403);
    }

    @Test
    void anApiKeyIsShownOnceStoredHashedUsedRecordedAndRevoked() {
        String admin = onlyRole.get(Role.ADMIN);
        HttpResponse<String> created = http.send("POST", "/api/v1/api-keys", ApiKeyFilter.HEADER, admin,
                "application/json", "{\"name\": \"billing-eu\", \"roles\": [\"BILLING_SYSTEM\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode body = json.readTree(created.body());
        String key = body.get("key").asString();
        long id = body.get("details").get("id").asLong();
        assertThat(key).startsWith("dk_").hasSizeGreaterThanOrEqualTo(40);
        assertThat(body.get("details").get("lastUsedAt").isNull()).isTrue();

        // Stored as its SHA-256 only; never listed again.
        assertThat(jdbc.sql("SELECT key_hash FROM api_keys WHERE id = ?").param(id).query(String.class).single())
                .isEqualTo(ApiKeys.hash(key)).isNotEqualTo(key);
        HttpResponse<String> list = http.withKey("GET", "/api/v1/api-keys", admin);
        assertThat(list.body()).contains("billing-eu").doesNotContain(key);

        // Used as X-Api-Key and as a bearer token; the use is recorded and the key's name is the principal.
        assertThat(http.withKey("GET", "/api/v1/catalogue", key).statusCode()).isEqualTo(200);
        assertThat(http.send("GET", "/api/v1/catalogue", "Authorization", "Bearer " + key, null, null).statusCode())
                .isEqualTo(200);
        // Written in the background, off the request path (a request must not wait for the database to note it).
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> keys.find(id).orElseThrow().lastUsedAt() != null);
        HttpResponse<String> decided = http.send("POST", "/api/v1/decisions/evaluate", ApiKeyFilter.HEADER, key,
                "application/json", EVALUATE);
        assertThat(decided.statusCode()).as(decided.body()).isEqualTo(200);
        String decisionId = json.readTree(decided.body()).get("decisionId").asString();
        assertThat(jdbc.sql("SELECT principal FROM audit_records WHERE decision_id = ?").param(decisionId)
                .query(String.class).single()).isEqualTo("billing-eu");
        // Its role and nothing more.
        assertThat(http.withKey("GET", "/api/v1/audit/decisions", key).statusCode()).isEqualTo(403);

        // A second active key of the same name is refused; bad requests name the field.
        HttpResponse<String> again = http.send("POST", "/api/v1/api-keys", ApiKeyFilter.HEADER, admin,
                "application/json", "{\"name\": \"billing-eu\", \"roles\": [\"AUDITOR\"]}");
        assertThat(again.statusCode()).isEqualTo(409);
        HttpResponse<String> badRole = http.send("POST", "/api/v1/api-keys", ApiKeyFilter.HEADER, admin,
                "application/json", "{\"name\": \"x\", \"roles\": [\"SUPERUSER\"]}");
        assertThat(badRole.statusCode()).isEqualTo(400);
        assertThat(badRole.body()).contains("SUPERUSER", "AUDITOR");

        // Revoked: refused from the next request on, with 401 rather than as an anonymous caller.
        HttpResponse<String> revoked = http.withKey("DELETE", "/api/v1/api-keys/" + id, admin);
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(json.readTree(revoked.body()).get("active").asBoolean()).isFalse();
        HttpResponse<String> refused = http.withKey("GET", "/api/v1/catalogue", key);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(isProblem(refused, "unauthenticated")).isTrue();
        assertThat(json.readTree(refused.body()).get("detail").asString()).contains("revoked");
        assertThat(http.withKey("GET", "/api/v1/catalogue", "dk_made-up").statusCode()).isEqualTo(401);
        assertThat(http.withKey("DELETE", "/api/v1/api-keys/999999", admin).statusCode()).isEqualTo(404);
    }

    @Test
    void aJwtOfTheIdentityProviderActsWithTheRolesItsGroupsMapTo() throws Exception {
        String auditor = jwt(SIGNING, "ada", List.of("dunning-auditors", "unrelated-group"), 300);
        assertThat(http.send("GET", "/api/v1/audit/decisions", "Authorization", "Bearer " + auditor, null, null)
                .statusCode()).isEqualTo(200);
        assertThat(http.send("GET", "/api/v1/rule-set", "Authorization", "Bearer " + auditor, null, null)
                .statusCode()).isEqualTo(200);
        assertThat(http.send("POST", "/api/v1/decisions/evaluate", "Authorization", "Bearer " + auditor,
                "application/json", EVALUATE).statusCode()).isEqualTo(403);

        String billing = jwt(SIGNING, "grace", List.of("dunning-billing"), 300);
        HttpResponse<String> decided = http.send("POST", "/api/v1/decisions/evaluate", "Authorization",
                "Bearer " + billing, "application/json", EVALUATE);
        assertThat(decided.statusCode()).as(decided.body()).isEqualTo(200);
        String decisionId = json.readTree(decided.body()).get("decisionId").asString();
        assertThat(jdbc.sql("SELECT principal FROM audit_records WHERE decision_id = ?").param(decisionId)
                .query(String.class).single()).isEqualTo("grace");

        String nobody = jwt(SIGNING, "eve", List.of("unrelated-group"), 300);
        assertThat(http.send("GET", "/api/v1/catalogue", "Authorization", "Bearer " + nobody, null, null)
                .statusCode()).isEqualTo(403);
        String forged = jwt(STRANGER, "mallory", List.of("dunning-auditors"), 300);
        HttpResponse<String> refused = http.send("GET", "/api/v1/audit/decisions", "Authorization", "Bearer " + forged,
                null, null);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(isProblem(refused, "unauthenticated")).isTrue();
        String expired = jwt(SIGNING, "ada", List.of("dunning-auditors"), -3600);
        assertThat(http.send("GET", "/api/v1/audit/decisions", "Authorization", "Bearer " + expired, null, null)
                .statusCode()).isEqualTo(401);
    }

    @Test
    void anUnknownPathIs404ForACallerAnd401ForNobody() {
        HttpResponse<String> unknown = http.withKey("GET", "/api/v1/no-such-thing", onlyRole.get(Role.AUDITOR));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(isProblem(unknown, "not-found")).isTrue();
        assertThat(http.anonymous("GET", "/api/v1/no-such-thing").statusCode()).isEqualTo(401);
    }

    @Test
    void theErrorPageAskedForDirectlyIsRefusedLikeAnyRouteWhileRealErrorsStillRenderThroughIt() {
        for (String method : List.of("GET", "POST")) {
            HttpResponse<String> anonymous = http.anonymous(method, "/error");
            assertThat(anonymous.statusCode()).as(method + " /error " + anonymous.body()).isEqualTo(401);
            assertThat(isProblem(anonymous, "unauthenticated")).as(anonymous.body()).isTrue();
            HttpResponse<String> admin = http.withKey(method, "/error", onlyRole.get(Role.ADMIN));
            assertThat(admin.statusCode()).as(method + " /error " + admin.body()).isEqualTo(403);
        }

        // A failure before Spring Security (and before any controller) reaches the container's error page, which
        // renders it as problem+json for an anonymous caller too, not as a second failure (401).
        HttpResponse<String> failed = http.send("GET", "/api/v1/catalogue", FailingFilter.HEADER, "yes", null, null);
        assertThat(failed.statusCode()).as(failed.body()).isEqualTo(500);
        assertThat(isProblem(failed, "internal-error")).as(failed.body()).isTrue();
        assertThat(json.readTree(failed.body()).get("detail").asString())
                .isEqualTo("The service failed to answer this request; the trace id identifies it in the service's log");
        assertThat(failed.body()).doesNotContain(FailingFilter.MESSAGE);
    }

    /** A filter ahead of Spring Security that fails when asked to: an error only the container's error page sees. */
    @TestConfiguration(proxyBeanMethods = false)
    static class FailingFilter {

        static final String HEADER = "X-Test-Fail";
        static final String MESSAGE = "the test filter failed on purpose";

        @Bean
        FilterRegistrationBean<Filter> failingFilter() {
            FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>((request, response, chain) -> {
                if (((HttpServletRequest) request).getHeader(HEADER) != null
                        && ((HttpServletRequest) request).getDispatcherType() == DispatcherType.REQUEST) {
                    throw new ServletException(MESSAGE);
                }
                chain.doFilter(request, response);
            });
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 30);
            return registration;
        }
    }

    static final String EVALUATE = """
            {"asOf": "2025-03-12T18:00:00Z",
             "customer": {"id": "AC-1", "segment": "CONSUMER", "country": "US", "timeZone": "America/New_York",
                          "currency": "USD", "consents": {"EMAIL": true}},
             "invoices": [{"id": "AC-I-1", "number": "1", "currency": "USD", "amount": "100.00", "amountPaid": "0.00",
                           "issueDate": "2025-01-01", "dueDate": "2025-02-01", "status": "OPEN"}]}
            """;

    /**
     * The console's pages as people meet them: each role, signed in with a session, gets through exactly where
     * EndpointRules.CONSOLE says and sees the console's 403 page elsewhere; without a session every page but the
     * sign-in sends to the login page; an API key opens no console page.
     */
    @Test
    void eachPersonGetsIntoTheConsoleExactlyWhereTheRulesSay() {
        Set<Endpoint> endpoints = new LinkedHashSet<>(mapped());
        endpoints.addAll(ruleSamples(EndpointRules.CONSOLE));
        // Sign-out ends the session the loop goes on with; the 403 page answers 403 to everyone by design.
        endpoints.removeIf(e -> !isConsole(e) || e.path().equals("/console/logout")
                || e.path().equals("/console/denied"));
        assertThat(endpoints).as("the console's pages").hasSizeGreaterThan(5);
        Map<Role, ConsoleSession> people = new EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            String name = "person-" + role.name().toLowerCase() + "-" + System.nanoTime();
            consoleUsers.create(name, EnumSet.of(role), "a long enough password", "test");
            people.put(role, ConsoleSession.signIn(http, name, "a long enough password"));
        }
        List<String> wrong = new ArrayList<>();
        for (Endpoint e : endpoints) {
            EndpointRules.Rule rule = EndpointRules.find(e.method(), e.path()).orElseThrow();
            // Open pages are open to read; a form sent without a session (so without its CSRF token) signs in first.
            boolean reads = e.method() == HttpMethod.GET;
            HttpResponse<String> anonymous = ConsoleSession.NONE.send(http, e.method().name(), e.path());
            expect(wrong, e, "no session", anonymous, rule.open() && reads ? !ConsoleSession.isDenied(anonymous)
                    : ConsoleSession.isLoginRedirect(anonymous));
            HttpResponse<String> withKey = http.withKey(e.method().name(), e.path(), onlyRole.get(Role.ADMIN));
            expect(wrong, e, "an API key", withKey, rule.open() && reads ? !ConsoleSession.isDenied(withKey)
                    : ConsoleSession.isLoginRedirect(withKey));
            if (rule.open()) {
                continue;
            }
            for (Role role : Role.values()) {
                HttpResponse<String> response = people.get(role).send(http, e.method().name(), e.path());
                boolean allowed = rule.allows(EnumSet.of(role));
                expect(wrong, e, "a person with " + role.name(), response, allowed
                        ? !ConsoleSession.isDenied(response)
                        : response.statusCode() == 403 && response.body().contains("class=\"problem\""));
            }
        }
        assertThat(wrong).as("console responses that do not match EndpointRules.CONSOLE").isEmpty();
    }

    static boolean isConsole(Endpoint e) {
        return e.path().equals("/console") || e.path().startsWith("/console/");
    }

    private List<Endpoint> mapped() {
        List<Endpoint> endpoints = new ArrayList<>();
        for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
            Set<HttpMethod> methods = new LinkedHashSet<>();
            info.getMethodsCondition().getMethods().forEach(m -> methods.add(HttpMethod.valueOf(m.name())));
            if (methods.isEmpty()) {
                methods.addAll(List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE));
            }
            for (String pattern : info.getPathPatternsCondition().getPatternValues()) {
                methods.forEach(m -> endpoints.add(new Endpoint(m, sample(pattern))));
            }
        }
        return endpoints;
    }

    /** One request per rule, for rules of paths that no mapping has (yet). */
    private static List<Endpoint> ruleSamples(List<EndpointRules.Rule> rules) {
        List<Endpoint> samples = new ArrayList<>();
        for (EndpointRules.Rule rule : rules) {
            String path = rule.pattern().replace("/**", "/1").replace("*", "1");
            if (rule.method() != null) {
                samples.add(new Endpoint(rule.method(), path));
            } else {
                samples.add(new Endpoint(HttpMethod.GET, path));
                samples.add(new Endpoint(HttpMethod.POST, path));
            }
        }
        return samples;
    }

    /** A concrete path for a pattern: every variable becomes 1 (a valid number and a valid id). */
    static String sample(String pattern) {
        return pattern.replaceAll("\\{[^}]+}", "1");
    }

    private static boolean isDenied(int status) {
        return status == 401 || status == 403;
    }

    private boolean isProblem(HttpResponse<String> response, String type) {
        return response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")
                && json.readTree(response.body()).get("type").asString().equals("https://dunning.dev/problems/" + type)
                && json.readTree(response.body()).hasNonNull("traceId");
    }

    private static void expect(List<String> wrong, Endpoint e, String who, HttpResponse<String> response, boolean ok) {
        if (!ok) {
            wrong.add(e + " as " + who + ": " + response.statusCode() + " " + response.body());
        }
    }

    static String jwt(KeyPair key, String user, List<String> groups, long expiresInSeconds) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject("id-" + user)
                .claim("preferred_username", user)
                .claim("groups", groups)
                .issueTime(Date.from(now.minusSeconds(3600 * 2)))
                .expirationTime(Date.from(now.plusSeconds(expiresInSeconds)))
                .build();
        SignedJWT token = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        token.sign(new RSASSASigner((RSAPrivateKey) key.getPrivate()));
        return token.serialize();
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
