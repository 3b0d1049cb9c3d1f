package dev.dunning.security;

import java.io.PrintStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Makes sure someone can administer the service before it takes requests. An admin key given as a setting is stored
 * (hashed) if it is not yet. Otherwise, with no active admin key and no identity provider that can name an admin: the
 * embedded default creates a key and prints it once; with the operator's own database the service refuses to start,
 * because a production service nobody can administer, or one with a key printed into its log, is worse than one
 * that does not start. Only for the web service: the command-line forms are how a first key can be made.
 */
@Component
@ConditionalOnWebApplication
class AdminBootstrap implements InitializingBean {

    static final String GENERATED_NAME = "initial-admin";
    static final int MIN_KEY_LENGTH = 32;
    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

    private final ApiKeys keys;
    private final SecurityProperties properties;
    private final boolean embedded;
    private final boolean jwt;
    private final PrintStream out;

    @Autowired
    AdminBootstrap(ApiKeys keys, SecurityProperties properties, Environment environment,
            ObjectProvider<JwtDecoder> jwtDecoder) {
        this(keys, properties, !StringUtils.hasText(environment.getProperty("spring.datasource.url")),
                jwtDecoder.getIfAvailable() != null, System.out);
    }

    AdminBootstrap(ApiKeys keys, SecurityProperties properties, boolean embedded, boolean jwt, PrintStream out) {
        this.keys = keys;
        this.properties = properties;
        this.embedded = embedded;
        this.jwt = jwt;
        this.out = out;
    }

    @Override
    public void afterPropertiesSet() {
        String configured = properties.adminKey();
        if (StringUtils.hasText(configured)) {
            storeConfiguredKey(configured.strip());
            return;
        }
        if (keys.anyActiveWith(Role.ADMIN)) {
            return;
        }
        if (jwt && JwtRoles.mapsToAdmin(properties.jwt())) {
            log.info("No admin API key; administrators sign in with the identity provider (dunning.security.jwt)");
            return;
        }
        if (!embedded) {
            throw new IllegalStateException("""
                    No administrator is configured, and with your own database the service does not create one on \
                    its own. Do one of: set DUNNING_SECURITY_ADMIN_KEY (dunning.security.admin-key) to a random value \
                    of at least %d characters, e.g. from `openssl rand -base64 32`; or create a key with \
                    `java -jar dunning-decision-service.jar api-key create admin ADMIN` against this database; or \
                    configure JWT sign-in with a claim mapped to ADMIN (docs/security.md)."""
                    .formatted(MIN_KEY_LENGTH));
        }
        ApiKeys.CreatedKey created = keys.create(GENERATED_NAME, java.util.EnumSet.of(Role.ADMIN), "first start");
        // Standard output, not the log: log files are kept and shipped; this is shown once on the console.
        out.println();
        out.println("=".repeat(100));
        out.println("First start: an admin API key was created. It is shown this once and stored only as a hash:");
        out.println();
        out.println("    " + created.key());
        out.println();
        out.println("Send it as 'X-Api-Key: <key>' to create keys for your clients (docs/security.md), e.g.");
        out.println("    curl -s -X POST localhost:8080/api/v1/api-keys -H 'X-Api-Key: <key>' "
                + "-H 'Content-Type: application/json' -d '{\"name\": \"billing\", \"roles\": [\"BILLING_SYSTEM\"]}'");
        out.println("=".repeat(100));
        out.println();
        log.warn("First start: created the admin API key \"{}\" ({}...) and printed it once on standard output",
                GENERATED_NAME, created.stored().prefix());
    }

    private void storeConfiguredKey(String key) {
        if (key.length() < MIN_KEY_LENGTH) {
            throw new IllegalStateException("dunning.security.admin-key is " + key.length() + " characters long; use a "
                    + "random value of at least " + MIN_KEY_LENGTH + " characters, e.g. from `openssl rand -base64 32`");
        }
        var existing = keys.findByHash(key);
        if (existing.isPresent()) {
            if (!existing.get().active()) {
                log.warn("The admin key of dunning.security.admin-key was revoked ({}); it stays revoked. Remove "
                        + "the setting or set a new value", existing.get().revokedAt());
            }
            return;
        }
        try {
            keys.store(properties.adminKeyName(), key, properties.adminKeyRoles(), "setting dunning.security.admin-key");
        } catch (ApiKeys.NameTakenException e) {
            throw new IllegalStateException("dunning.security.admin-key: " + e.getMessage()
                    + "; set dunning.security.admin-key-name to another name", e);
        }
        log.info("Stored the admin key of dunning.security.admin-key as \"{}\" with roles {}",
                properties.adminKeyName(), Role.names(properties.adminKeyRoles()));
    }
}
