package dev.dunning.security;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.dunning.database.Sql;
import jakarta.annotation.PreDestroy;
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
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The API keys of machine clients and administrators. A key is 256 random bits, shown once when it is created; only
 * its SHA-256 hash is stored. A salted slow hash (bcrypt) would add nothing for values that cannot be guessed, and
 * would cost milliseconds on every request.
 *
 * <p>Keys found active are remembered for {@code dunning.security.api-key-cache} (30 s by default), by their hash, so
 * that requests authenticate without the database (while it is unreachable they get the 503 of the endpoint, not of
 * the sign-in) and a busy client does not cost a query per request. Unknown and revoked keys are never remembered. A
 * key revoked through this instance is refused at once; another instance may accept it until its cache entry expires.
 *
 * <p>A key in use is read again in the background once half the cache time has passed, and the request that noticed
 * is answered from the cache meanwhile: a busy client never waits for the database, and its requests do not all miss
 * the cache at the same moment when an entry runs out (under load, 32 connections each queued for a pool connection
 * and a query every 30 s; docs/benchmarks.md, section 10). That reading refuses a key revoked elsewhere as soon as it
 * sees it, and a key that cannot be read again (the database unreachable) still expires on time, so revocation is as
 * prompt as before: at once here, within the cache time elsewhere. A key that misses the cache is read once, however
 * many requests present it at that moment.
 */
@Repository
public class ApiKeys {

    /** Every generated key starts with this, so that a leaked one is recognisable (secret scanners, logs). */
    static final String PREFIX = "dk_";
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,99}");
    /** Last use is written at most this often per key, so that busy clients do not turn reads into writes. */
    static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);

    private final JdbcClient jdbc;
    private final Clock clock;
    /** When this instance last wrote a key's last use, by key id. */
    private final Map<Long, Instant> lastTouched = new ConcurrentHashMap<>();
    /** Active keys by hash, for a short while (see above); the loader answers null (not cached) for any other. */
    private final LoadingCache<String, StoredKey> verified;
    /** Reads keys in use again off the request path (see above): one at a time, at most one per cached key. */
    private final ExecutorService refresher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "api-key-refresh");
        t.setDaemon(true);
        return t;
    });
    /**
     * Writes last-use times off the request path: a request must not wait for the database to note that it came
     * (while the database is unreachable that wait would be the pool's connection timeout). At most one per key and
     * minute; when the queue is full, a last-use time is simply written a minute later.
     */
    private final ThreadPoolExecutor lastUse = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(1000), r -> {
                Thread t = new Thread(r, "api-key-last-use");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.DiscardPolicy());

    ApiKeys(JdbcClient jdbc, Clock clock, SecurityProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        Duration keep = properties.apiKeyCache();
        Caffeine<Object, Object> cache = Caffeine.newBuilder().expireAfterWrite(keep).maximumSize(10_000)
                .executor(refresher);
        if (!keep.dividedBy(2).isZero()) {
            cache.refreshAfterWrite(keep.dividedBy(2));
        }
        this.verified = cache.build(this::activeByHash);
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

    /** The name is taken by another active key, or by a person (console_users): audit records could not tell them apart. */
    public static final class NameTakenException extends RuntimeException {
        NameTakenException(String name) {
            super("an active API key is already named \"" + name + "\"; choose another name or revoke that key first");
        }

        private NameTakenException(String name, boolean person) {
            super("a person who signs in to the console is named \"" + name + "\"; choose another name, so that audit "
                    + "records tell the key from the person");
        }
    }

    /**
     * Creates a key with a fresh random value.
     *
     * @throws IllegalArgumentException if the name or roles are unusable, naming the fix
     * @throws NameTakenException if an active key or a person has this name
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
        // As a person's creation checks the keys' names (ConsoleUsers.create): one name, one kind of principal.
        if (jdbc.sql("SELECT COUNT(*) FROM console_users WHERE name = ?").param(name).query(Long.class).single() > 0) {
            throw new NameTakenException(name, true);
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

    /**
     * As {@link #findActive}, answered from the short-lived cache of keys found active when it holds this one: how a
     * request authenticates.
     */
    Optional<StoredKey> verify(String key) {
        return Optional.ofNullable(verified.get(hash(key)));
    }

    /** The active key with this hash, or null (the cache keeps nothing then). */
    private StoredKey activeByHash(String hash) {
        return jdbc.sql("SELECT * FROM api_keys WHERE key_hash = ?").param(hash).query(ApiKeys::row).optional()
                .filter(StoredKey::active).orElse(null);
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

    /**
     * Records, in the background, that the key was used now, unless that was recorded less than a minute ago. A write
     * that fails (the database is unreachable) is given up: a use a minute later writes it.
     */
    void touch(StoredKey stored) {
        Instant now = clock.instant();
        Instant due = now.minus(LAST_USED_GRANULARITY);
        boolean[] write = {false};
        lastTouched.compute(stored.id(), (id, last) -> {
            Instant known = last == null || stored.lastUsedAt() != null && stored.lastUsedAt().isAfter(last)
                    ? stored.lastUsedAt() : last;
            write[0] = known == null || !known.isAfter(due);
            return write[0] ? now : known;
        });
        if (!write[0]) {
            return;
        }
        lastUse.execute(() -> {
            try {
                jdbc.sql("UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")
                        .params(Sql.utc(now), stored.id(), Sql.utc(due))
                        .update();
            } catch (DataAccessException e) {
                log.debug("Last use of API key {} not recorded: {}", stored.name(), e.getMessage());
            }
        });
    }

    @PreDestroy
    void stop() {
        lastUse.shutdownNow();
        refresher.shutdownNow();
    }

    /**
     * Revokes the key: from now on it is refused (by this instance at once, by others once their cache of verified keys
     * lets go of it, within {@code dunning.security.api-key-cache}). Revoking a revoked key changes nothing.
     *
     * @return the key as stored afterwards, empty if there is no key with this id
     */
    public Optional<StoredKey> revoke(long id, String revokedBy) {
        jdbc.sql("UPDATE api_keys SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL")
                .params(Sql.utc(clock.instant()), revokedBy, id)
                .update();
        // After the update, by hash: a read of the key that began before the update and is still running (a request's,
        // or a background one) is waited for and its result dropped, so it cannot put the key back.
        jdbc.sql("SELECT key_hash FROM api_keys WHERE id = ?").param(id).query(String.class).optional()
                .ifPresent(verified::invalidate);
        verified.asMap().values().removeIf(k -> k.id() == id);
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
