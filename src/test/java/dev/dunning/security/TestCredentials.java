package dev.dunning.security;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * How tests authenticate, in one place. Registered for every Spring Boot application the tests start (through
 * META-INF/spring.factories, like {@code TestDatabase}), it
 *
 * <ul>
 *   <li>configures {@link #KEY}, an API key of this test JVM holding all four roles, as the admin key setting, so the
 *       service starts (it refuses to on a database of its own without an admin) and stores the key hashed; and
 *   <li>lets a request that carries no credentials at all act with that key, so an IT's plain HTTP client needs no
 *       header: {@code HttpClient.newHttpClient()} against the random port is authenticated as {@link #NAME}.
 * </ul>
 *
 * A test that checks what callers without credentials get sets {@code dunning.test.default-credentials=false} (see
 * {@code AccessControlIT}); a single request can also opt out with the header {@link #NO_CREDENTIALS}. Both settings
 * are lower than any the test gives itself, so {@code --dunning.security.admin-key=} in a test overrides them.
 */
public final class TestCredentials implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    /** The all-roles key of this test JVM. Random per run: no credential is written down anywhere. */
    public static final String KEY;
    /** The key's name: the principal that audit records of tests carry. */
    public static final String NAME;
    /** A request with this header keeps having no credentials. */
    public static final String NO_CREDENTIALS = "X-Test-No-Credentials";
    public static final String ENABLED = "dunning.test.default-credentials";

    static {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        String hex = HexFormat.of().formatHex(bytes);
        KEY = "dk_test_" + hex;
        // A name per run: a test database that outlives the run (DUNNING_TEST_DB_URL) keeps the last run's key.
        NAME = "tests-" + hex.substring(0, 8);
    }

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment environment = context.getEnvironment();
        environment.getPropertySources().addLast(new MapPropertySource("test-credentials", Map.of(
                "dunning.security.admin-key", KEY,
                "dunning.security.admin-key-name", NAME,
                "dunning.security.admin-key-roles", "BILLING_SYSTEM,CREDIT_CONTROLLER,AUDITOR,ADMIN")));
        if (context instanceof GenericApplicationContext generic
                && environment.getProperty(ENABLED, Boolean.class, true)) {
            generic.registerBean("testDefaultCredentials", FilterRegistrationBean.class, () -> {
                FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>((request, response, chain) ->
                        chain.doFilter(withDefaultKey((HttpServletRequest) request), response));
                registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20); // before Spring Security (-100)
                return registration;
            });
        }
    }

    /** The request, with the test key added if it carries no credentials and did not opt out. */
    static HttpServletRequest withDefaultKey(HttpServletRequest request) {
        if (request.getHeader("Authorization") != null || request.getHeader(ApiKeyFilter.HEADER) != null
                || request.getHeader(NO_CREDENTIALS) != null) {
            return request;
        }
        return new HttpServletRequestWrapper(request) {
            @Override
            public String getHeader(String name) {
                return ApiKeyFilter.HEADER.equalsIgnoreCase(name) ? KEY : super.getHeader(name);
            }

            @Override
            public Enumeration<String> getHeaders(String name) {
                return ApiKeyFilter.HEADER.equalsIgnoreCase(name) ? Collections.enumeration(List.of(KEY))
                        : super.getHeaders(name);
            }

            @Override
            public Enumeration<String> getHeaderNames() {
                Set<String> names = new LinkedHashSet<>(Collections.list(super.getHeaderNames()));
                names.add(ApiKeyFilter.HEADER);
                return Collections.enumeration(names);
            }
        };
    }
}
