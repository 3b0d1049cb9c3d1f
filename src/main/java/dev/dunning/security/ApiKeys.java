package dev.dunning.security;

import dev.dunning.database.Sql;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The API keys of machine clients and administrators. A key is 256 random bits, shown once when it is created; only
 * its SHA-256 hash is stored. A salted slow hash (bcrypt) would add nothing for values that cannot be guessed, and
 * would cost milliseconds on every request.
 */
@Repository
public class ApiKeys {

    /** Every generated key starts with this, so that a leaked one is recognisable (secret scanners, logs). */
    static final String PREFIX = "dk_";
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,99}");
    /** Last use is written at most this often per key, so that busy clients do not turn reads into writes. */
    static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final Clock clock;

    ApiKeys(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** A key as stored: everything but the key itself. */
    public record StoredKey(long id, String name, String prefix, Set<Role> roles, Instant createdAt, String createdBy,
            Instant lastUsedAt, Instant revokedAt, String revokedBy) {

        public boolean active() {
            return revokedAt == null;
        }
    }

    /** A key just created: {@code key} is the only time the secret is available. */
    public record CreatedKey(StoredKey stored, String key) {}

    /** The name is taken by another active key. */
    public static final class NameTakenException extends RuntimeException {
        NameTakenException(String name) {
            super("an active API key is already named \"" + name + "\"; choose another name or revoke that key first");
        }
    }

    /**
     * Creates a key with a fresh random value.
     *
     * @throws IllegalArgumentException if the name or roles are unusable, naming the fix
     * @throws NameTakenException if an active key has this name
     */
    public CreatedKey create(String name, Set<Role> roles, String createdBy) {
        return store(name, generate(), roles, createdBy);
    }

    /** Stores a key whose value the operator chose (the admin key setting); the value must be long enough. */
    CreatedKey store(String name, String key, Set<Role> roles, String createdBy) {
        checkName(name);
        if (roles == null || roles.isEmpty()) {
            throw new IllegalArgumentException("an API key needs at least one role; use one or more of "
                    + Role.names(Set.of(Role.values())));
        }
        Instant now = clock.instant();
        try {
            jdbc.sql("INSERT INTO api_keys (name, key_hash, key_prefix, roles, created_at, created_by) "
                            + "VALUES (?, ?, ?, ?, ?, ?)")
                    .params(name, hash(key), visiblePrefix(key), Role.names(roles), Sql.utc(now), createdBy)
                    .update();
        } catch (DuplicateKeyException e) {
            if (findByHash(key).isPresent()) {
                throw new IllegalArgumentException("this key value is already stored under another name");
            }
            throw new NameTakenException(name);
        }
        return new CreatedKey(findByHash(key).orElseThrow(), key);
    }

    /** The active key with this value, if any. */
    public Optional<StoredKey> findActive(String key) {
        return findByHash(key).filter(StoredKey::active);
    }

    Optional<StoredKey> findByHash(String key) {
        return jdbc.sql("SELECT * FROM api_keys WHERE key_hash = ?").param(hash(key)).query(ApiKeys::row).optional();
    }

    public Optional<StoredKey> find(long id) {
        return jdbc.sql("SELECT * FROM api_keys WHERE id = ?").param(id).query(ApiKeys::row).optional();
    }

    /** All keys, active and revoked, oldest first. */
    public List<StoredKey> list() {
        return jdbc.sql("SELECT * FROM api_keys ORDER BY id").query(ApiKeys::row).list();
    }

    /** Records that the key was used now, unless that was recorded less than a minute ago. */
    void touch(StoredKey key) {
        Instant now = clock.instant();
        if (key.lastUsedAt() != null && key.lastUsedAt().isAfter(now.minus(LAST_USED_GRANULARITY))) {
            return;
        }
        jdbc.sql("UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")
                .params(Sql.utc(now), key.id(), Sql.utc(now.minus(LAST_USED_GRANULARITY)))
                .update();
    }

    /**
     * Revokes the key: from now on it is refused. Revoking a revoked key changes nothing.
     *
     * @return the key as stored afterwards, empty if there is no key with this id
     */
    public Optional<StoredKey> revoke(long id, String revokedBy) {
        jdbc.sql("UPDATE api_keys SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL")
                .params(Sql.utc(clock.instant()), revokedBy, id)
                .update();
        return find(id);
    }

    /** Whether some active key holds this role. */
    boolean anyActiveWith(Role role) {
        return list().stream().anyMatch(k -> k.active() && k.roles().contains(role));
    }

    static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The first characters, enough to tell keys apart in a list, far too few to guess the rest. */
    static String visiblePrefix(String key) {
        return key.substring(0, Math.min(key.length(), key.startsWith(PREFIX) ? PREFIX.length() + 6 : 6));
    }

    static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("\"" + name + "\" is not a usable key name; use 1 to 100 letters, digits, "
                    + "'.', '_', '@' or '-', starting with a letter or digit (it names the caller in audit records)");
        }
    }

    private static StoredKey row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new StoredKey(rs.getLong("id"), rs.getString("name"), rs.getString("key_prefix"),
                Role.parse(rs.getString("roles")), Sql.instant(rs, "created_at"), rs.getString("created_by"),
                Sql.instant(rs, "last_used_at"), Sql.instant(rs, "revoked_at"), rs.getString("revoked_by"));
    }
}
