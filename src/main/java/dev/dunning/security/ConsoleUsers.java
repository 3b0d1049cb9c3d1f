package dev.dunning.security;

import dev.dunning.database.Sql;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The people who sign in to the console, with the same roles as API keys. Passwords are kept only as hashes of Spring
 * Security's delegating encoder; failed sign-ins are counted in the database, so that a lockout holds on every
 * instance.
 */
@Repository
public class ConsoleUsers {

    /** Long enough that guessing is hopeless within the lockout; no rules on character classes (NIST SP 800-63B). */
    static final int MIN_PASSWORD_LENGTH = 12;
    static final int MAX_PASSWORD_LENGTH = 200;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final Clock clock;
    private final PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();

    ConsoleUsers(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** A person as stored: everything but the password. */
    public record User(long id, String name, Set<Role> roles, Instant createdAt, String createdBy,
            Instant lastLoginAt, int failedLogins, Instant lockedUntil, Instant disabledAt, String disabledBy) {

        public boolean enabled() {
            return disabledAt == null;
        }

        public boolean lockedAt(Instant now) {
            return lockedUntil != null && lockedUntil.isAfter(now);
        }
    }

    /** The name is taken by another person or by an API key: audit records could not tell them apart. */
    public static final class NameTakenException extends RuntimeException {
        NameTakenException(String message) {
            super(message);
        }
    }

    /**
     * Creates a person with this password.
     *
     * @throws IllegalArgumentException if the name, roles or password are unusable, naming the fix
     * @throws NameTakenException if a person or an API key already has this name
     */
    public User create(String name, Set<Role> roles, String password, String createdBy) {
        ApiKeys.checkName(name);
        if (roles == null || roles.isEmpty()) {
            throw new IllegalArgumentException("a person needs at least one role; use one or more of "
                    + Role.names(Set.of(Role.values())));
        }
        checkPassword(password);
        if (jdbc.sql("SELECT COUNT(*) FROM api_keys WHERE name = ?").param(name).query(Long.class).single() > 0) {
            throw new NameTakenException("an API key is named \"" + name + "\"; choose another name, so that audit "
                    + "records tell the person from the key");
        }
        Instant now = clock.instant();
        try {
            jdbc.sql("INSERT INTO console_users (name, password_hash, roles, created_at, created_by, password_set_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?)")
                    .params(name, encoder.encode(password), Role.names(roles), Sql.utc(now), createdBy, Sql.utc(now))
                    .update();
        } catch (DuplicateKeyException e) {
            throw new NameTakenException("a person named \"" + name + "\" exists already; choose another name");
        }
        return find(name).orElseThrow();
    }

    public Optional<User> find(String name) {
        return jdbc.sql("SELECT * FROM console_users WHERE name = ?").param(name).query(ConsoleUsers::row).optional();
    }

    /** Everyone, enabled and disabled, oldest first. */
    public List<User> list() {
        return jdbc.sql("SELECT * FROM console_users ORDER BY id").query(ConsoleUsers::row).list();
    }

    boolean anyEnabledWith(Role role) {
        return list().stream().anyMatch(u -> u.enabled() && u.roles().contains(role));
    }

    /** Sets a new password and lifts a lockout; empty if there is no such person. */
    public Optional<User> setPassword(String name, String password) {
        checkPassword(password);
        Instant now = clock.instant();
        int changed = jdbc.sql("UPDATE console_users SET password_hash = ?, password_set_at = ?, failed_logins = 0, "
                        + "locked_until = NULL WHERE name = ?")
                .params(encoder.encode(password), Sql.utc(now), name)
                .update();
        return changed == 0 ? Optional.empty() : find(name);
    }

    /**
     * Disables the person: they can no longer sign in; their row stays for the audit trail. Nobody disables
     * themselves, and the last enabled administrator stays (see {@link #keepingAnAdministrator}).
     *
     * @return the person as stored afterwards, empty if there is no such person
     * @throws IllegalArgumentException if the person is the one asking, or the last enabled administrator
     */
    @Transactional
    public Optional<User> disable(String name, String disabledBy) {
        if (name.equals(disabledBy)) {
            throw new IllegalArgumentException("you cannot disable yourself: you would be signed out with no way "
                    + "back in; ask another administrator");
        }
        Optional<User> user = find(name);
        if (user.isEmpty() || !user.get().enabled()) {
            return user;
        }
        keepingAnAdministrator(user.get(), Set.of(), "disabled");
        jdbc.sql("UPDATE console_users SET disabled_at = ?, disabled_by = ? WHERE name = ? AND disabled_at IS NULL")
                .params(Sql.utc(clock.instant()), disabledBy, name)
                .update();
        return find(name);
    }

    /**
     * Gives the person these roles instead of theirs. The last enabled administrator keeps ADMIN.
     *
     * @return the person as stored afterwards, empty if there is no such person
     * @throws IllegalArgumentException if no role is given, or ADMIN would be taken from the last administrator
     */
    @Transactional
    public Optional<User> setRoles(String name, Set<Role> roles) {
        if (roles == null || roles.isEmpty()) {
            throw new IllegalArgumentException("a person needs at least one role; use one or more of "
                    + Role.names(Set.of(Role.values())) + ", or disable the person");
        }
        Optional<User> user = find(name);
        if (user.isEmpty()) {
            return user;
        }
        keepingAnAdministrator(user.get(), roles, "left without ADMIN");
        jdbc.sql("UPDATE console_users SET roles = ? WHERE name = ?").params(Role.names(roles), name).update();
        return find(name);
    }

    /**
     * Refuses a change that would leave no enabled person with ADMIN: nobody could then manage people in the console
     * (only the command line on the server could). The enabled people's rows are locked first, so that two
     * administrators disabling each other at once cannot both pass the check.
     */
    private void keepingAnAdministrator(User user, Set<Role> rolesAfter, String change) {
        if (!user.enabled() || !user.roles().contains(Role.ADMIN) || rolesAfter.contains(Role.ADMIN)) {
            return;
        }
        List<String> admins = jdbc.sql("SELECT name, roles FROM console_users WHERE disabled_at IS NULL FOR UPDATE")
                .query((rs, n) -> Role.parse(rs.getString("roles")).contains(Role.ADMIN) ? rs.getString("name") : null)
                .list().stream().filter(java.util.Objects::nonNull).toList();
        if (admins.size() <= 1 && admins.contains(user.name())) {
            throw new IllegalArgumentException("\"" + user.name() + "\" is the last enabled administrator and cannot "
                    + "be " + change + ": nobody could manage people and keys in the console any more; make another "
                    + "person an administrator first");
        }
    }

    /** The stored hash, for the sign-in check only. */
    Optional<String> passwordHash(String name) {
        return jdbc.sql("SELECT password_hash FROM console_users WHERE name = ?").param(name).query(String.class)
                .optional();
    }

    /**
     * Counts a failed sign-in; the {@code limit}-th failure in a row locks the person out for {@code lockout}. One
     * statement, so that failures on two instances at once are both counted. MariaDB assigns left to right, so the
     * lock is computed from the count before this failure.
     */
    void recordFailure(String name, int limit, Duration lockout) {
        Instant now = clock.instant();
        jdbc.sql("UPDATE console_users SET "
                        + "locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END, "
                        + "failed_logins = CASE WHEN failed_logins + 1 >= ? THEN 0 ELSE failed_logins + 1 END "
                        + "WHERE name = ?")
                .params(limit, Sql.utc(now.plus(lockout)), limit, name)
                .update();
    }

    void recordSuccess(String name) {
        jdbc.sql("UPDATE console_users SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE name = ?")
                .params(Sql.utc(clock.instant()), name)
                .update();
    }

    PasswordEncoder encoder() {
        return encoder;
    }

    /** A random password of 20 characters (120 bits), for a person whose first password is generated. */
    public static String generatePassword() {
        byte[] bytes = new byte[15];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static void checkPassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("the password has " + (password == null ? 0 : password.length())
                    + " characters; use at least " + MIN_PASSWORD_LENGTH + " (a few unrelated words are easy to type)");
        }
        if (password.length() > MAX_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("the password has " + password.length() + " characters; at most "
                    + MAX_PASSWORD_LENGTH + " are allowed");
        }
        if (password.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("the password holds a control character (a tab or a line break?); "
                    + "type it without");
        }
    }

    private static User row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new User(rs.getLong("id"), rs.getString("name"), Role.parse(rs.getString("roles")),
                Sql.instant(rs, "created_at"), rs.getString("created_by"), Sql.instant(rs, "last_login_at"),
                rs.getInt("failed_logins"), Sql.instant(rs, "locked_until"), Sql.instant(rs, "disabled_at"),
                rs.getString("disabled_by"));
    }
}
