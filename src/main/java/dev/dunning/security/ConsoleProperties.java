package dev.dunning.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Sign-in to the console (docs/console.md). The session cookie's flags and the idle timeout are Spring Boot's
 * {@code server.servlet.session.*} settings, which application.properties derives from these.
 *
 * @param idleTimeout how long a signed-in person may do nothing before signing in again
 * @param secureCookie whether the session cookie is sent over https only: set it when the console is served over https
 *     (directly or behind a proxy that terminates TLS)
 * @param maxFailedLogins failed sign-ins in a row after which a person is locked out
 * @param lockout how long such a lockout lasts
 */
@ConfigurationProperties("dunning.console")
public record ConsoleProperties(
        @DefaultValue("30m") Duration idleTimeout,
        @DefaultValue("false") boolean secureCookie,
        @DefaultValue("5") int maxFailedLogins,
        @DefaultValue("15m") Duration lockout) {

    public ConsoleProperties {
        if (maxFailedLogins < 1) {
            throw new IllegalArgumentException("dunning.console.max-failed-logins is " + maxFailedLogins
                    + "; use 1 or more");
        }
        if (lockout.isNegative() || lockout.isZero()) {
            throw new IllegalArgumentException("dunning.console.lockout is " + lockout + "; use a positive duration, "
                    + "e.g. 15m");
        }
    }
}
