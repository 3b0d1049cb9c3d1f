package dev.dunning.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.database.Sql;
import dev.dunning.database.TestDatabase;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The cache of verified API keys (ApiKeys, docs/security.md) keeps revocation prompt although a key in use is read
 * again in the background rather than on a request: a key revoked through this instance is refused from the next
 * request on, also while other requests are using it; one revoked elsewhere (straight in the database, as another
 * instance or the command line does) is refused within the cache time although it never stops being used; and an
 * unknown key is never remembered. A cache time of 2 s, so that "within the cache time" is short enough to watch.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {TestCredentials.ENABLED + "=false", "dunning.security.api-key-cache=2s"})
class ApiKeyCacheIT {

    static final Duration CACHE = Duration.ofSeconds(2);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.freshDatabase("api_key_cache").register(registry);
    }

    @LocalServerPort
    int port;
    @Autowired
    ApiKeys keys;
    @Autowired
    JdbcClient jdbc;

    Http http;
    ExecutorService callers;

    @BeforeEach
    void client() {
        http = new Http(port);
        callers = Executors.newFixedThreadPool(4);
    }

    @AfterEach
    void stop() {
        callers.shutdownNow();
    }

    @Test
    void aKeyRevokedElsewhereIsRefusedWithinTheCacheTimeThoughItIsUsedAllTheTime() throws Exception {
        ApiKeys.CreatedKey key = keys.create("busy-" + System.nanoTime(), EnumSet.of(Role.BILLING_SYSTEM), "test");
        // In use for longer than the cache time: the key is read again in the background and keeps working throughout.
        Instant until = Instant.now().plus(CACHE.multipliedBy(2));
        int used = 0;
        while (Instant.now().isBefore(until)) {
            assertThat(catalogue(key.key())).as("request %d while the key is active", used).isEqualTo(200);
            used++;
        }

        // Revoked as another instance would: in the database only, this instance's cache untouched.
        Instant revokedAt = Instant.now();
        jdbc.sql("UPDATE api_keys SET revoked_at = ?, revoked_by = 'elsewhere' WHERE id = ?")
                .params(Sql.utc(revokedAt), key.stored().id()).update();
        Instant refusedAt = null;
        Instant deadline = revokedAt.plus(CACHE.multipliedBy(3));
        while (refusedAt == null && Instant.now().isBefore(deadline)) {
            if (catalogue(key.key()) == 401) {
                refusedAt = Instant.now();
            }
        }
        assertThat(refusedAt).as("the revoked key was refused at all").isNotNull();
        assertThat(Duration.between(revokedAt, refusedAt))
                .as("refused within the cache time (and a second for the reading and the request that noticed)")
                .isLessThanOrEqualTo(CACHE.plusSeconds(1));
        for (int i = 0; i < 20; i++) {
            assertThat(catalogue(key.key())).as("once refused, always refused").isEqualTo(401);
        }
    }

    @Test
    void aKeyRevokedHereIsRefusedFromTheNextRequestOnWhileOthersAreUsingIt() throws Exception {
        ApiKeys.CreatedKey admin = keys.create("admin-" + System.nanoTime(), EnumSet.of(Role.ADMIN), "test");
        ApiKeys.CreatedKey key = keys.create("shared-" + System.nanoTime(), EnumSet.of(Role.BILLING_SYSTEM), "test");
        assertThat(catalogue(key.key())).isEqualTo(200);

        // Callers keep using the key while it is revoked: each answer with when its request left.
        record Answer(long sentNanos, int status) {}
        ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        AtomicBoolean going = new AtomicBoolean(true);
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            running.add(callers.submit(() -> {
                while (going.get()) {
                    long sent = System.nanoTime();
                    answers.add(new Answer(sent, catalogue(key.key())));
                }
                return null;
            }));
        }
        while (answers.size() < 20) {
            Thread.onSpinWait();
        }
        HttpResponse<String> revoked = http.withKey("DELETE", "/api/v1/api-keys/" + key.stored().id(), admin.key());
        long revokedNanos = System.nanoTime();
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        while (answers.stream().filter(a -> a.sentNanos() > revokedNanos).count() < 40) {
            Thread.onSpinWait();
        }
        going.set(false);
        for (Future<?> f : running) {
            f.get(30, TimeUnit.SECONDS);
        }

        assertThat(answers.stream().filter(a -> a.sentNanos() < revokedNanos).map(Answer::status))
                .as("answers before the revocation").contains(200);
        assertThat(answers.stream().filter(a -> a.sentNanos() > revokedNanos).map(Answer::status))
                .as("every request sent after the revocation was answered").hasSizeGreaterThanOrEqualTo(40)
                .allMatch(status -> status == 401);
    }

    @Test
    void anUnknownKeyIsNotRememberedSoItWorksOnceStored() {
        String key = ApiKeys.generate();
        assertThat(catalogue(key)).isEqualTo(401);
        keys.store("late-" + System.nanoTime(), key, EnumSet.of(Role.AUDITOR), "test");
        assertThat(catalogue(key)).as("stored after it was refused: accepted at once").isEqualTo(200);
    }

    private int catalogue(String key) {
        return http.withKey("GET", "/api/v1/catalogue", key).statusCode();
    }
}
