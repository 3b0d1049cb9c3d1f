package dev.dunning.database;

import static dev.dunning.decision.TestData.aCustomer;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.dunning.DunningApplication;
import dev.dunning.facts.FactsService;
import dev.dunning.security.ApiKeys;
import dev.dunning.security.Role;
import dev.dunning.security.TestCredentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service while its database is unreachable: every kind of request (API key, a key it has not seen yet, JWT, a
 * decision that must be audited, health) is answered 503 problem+json with Retry-After within 2 s, health names the
 * database, and once the database is back the service answers again by itself; stopping it then still takes well under
 * 15 s. On a MariaDB server of its own (the test server of the other tests is not stopped).
 */
class DatabaseOutageIT {

    static final Duration PROMPT = Duration.ofSeconds(2);
    static final String EVALUATE = """
            {"asOf": "2025-03-12T18:00:00Z",
             "customer": {"id": "OUT-1", "segment": "CONSUMER", "country": "US", "timeZone": "America/New_York",
                          "currency": "USD", "consents": {"EMAIL": true}},
             "invoices": [{"id": "OUT-I-1", "number": "1", "currency": "USD", "amount": "100.00", "amountPaid": "0.00",
                           "issueDate": "2025-01-01", "dueDate": "2025-02-01", "status": "OPEN"}]}
            """;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private int port;

    @Test
    void anUnreachableDatabaseIsA503WithinTwoSecondsAndTheServiceResumesByItself() throws Exception {
        Path parent = Files.createDirectories(Path.of("target", "test-mariadb"));
        Path folder = Files.createTempDirectory(parent, "outage-").toAbsolutePath();
        EmbeddedMariaDb database = EmbeddedMariaDb.startOwned(folder, parent.resolve("binaries"), 0, "dunning_outage");
        KeyPair signing = rsa();
        Path pem = folder.resolve("idp.pub");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(signing.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        ConfigurableApplicationContext service = null;
        try {
            service = SpringApplication.run(DunningApplication.class, "--server.port=0",
                    "--dunning.test.own-database=true",
                    "--spring.datasource.url=" + database.jdbcUrl("dunning_outage"),
                    "--spring.datasource.username=" + database.root().user(),
                    "--spring.datasource.password=" + database.root().password(),
                    "--spring.security.oauth2.resourceserver.jwt.public-key-location=file:" + pem,
                    // Long enough that the keys used before the outage are still remembered on a slow machine.
                    "--dunning.security.api-key-cache=5m");
            port = ((WebServerApplicationContext) service).getWebServer().getPort();
            service.getBean(FactsService.class).upsertCustomer(aCustomer().id("OUT-1").build());
            String unseen = service.getBean(ApiKeys.class)
                    .create("outage-unseen", EnumSet.of(Role.BILLING_SYSTEM), "test").key();
            String jwt = jwt(signing, "jwt-caller", List.of("BILLING_SYSTEM", "AUDITOR"));

            // Up: each kind of request succeeds (and the all-roles key is now a verified key).
            assertThat(get("/api/v1/customers/OUT-1", key()).statusCode()).isEqualTo(200);
            assertThat(evaluate(key()).statusCode()).isEqualTo(200);
            assertThat(get("/api/v1/customers/OUT-1", bearer(jwt)).statusCode()).isEqualTo(200);
            assertThat(get("/actuator/health", key()).statusCode()).isEqualTo(200);

            database.close();

            List<String> slowOrWrong = new ArrayList<>();
            unavailable(slowOrWrong, "GET with a verified API key", () -> get("/api/v1/customers/OUT-1", key()),
                    "database-unavailable");
            unavailable(slowOrWrong, "evaluate, which must be audited", () -> evaluate(key()), "audit-unavailable");
            unavailable(slowOrWrong, "GET with an API key not seen before", () -> get("/api/v1/customers/OUT-1",
                    "X-Api-Key", unseen), "database-unavailable");
            unavailable(slowOrWrong, "GET with a JWT", () -> get("/api/v1/customers/OUT-1", bearer(jwt)),
                    "database-unavailable");
            // The same again: a second request must not wait longer than the first.
            unavailable(slowOrWrong, "GET with a verified API key, again", () -> get("/api/v1/customers/OUT-1", key()),
                    "database-unavailable");
            assertThat(slowOrWrong).as("requests not answered 503 problem+json with Retry-After within %s", PROMPT)
                    .isEmpty();

            long start = System.nanoTime();
            HttpResponse<String> health = get("/actuator/health", key());
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
            assertThat(took).as("health answered in").isLessThan(PROMPT);
            JsonNode components = json.readTree(health.body()).get("components");
            assertThat(components.get("db").get("status").asString()).as(health.body()).isEqualTo("DOWN");
            assertThat(components.get("db").toString()).as("says why").contains("JDBC Connection");
            assertThat(get("/actuator/health/readiness", "X-Test-No-Credentials", "true").statusCode())
                    .as("not ready while the database is down").isEqualTo(503);
            assertThat(get("/actuator/health/liveness", "X-Test-No-Credentials", "true").statusCode())
                    .as("alive: a restart would not bring the database back").isEqualTo(200);

            // Back on the same data and port: the service answers again without being restarted.
            database = EmbeddedMariaDb.startOwned(folder, parent.resolve("binaries"), database.port(),
                    "dunning_outage");
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> get("/api/v1/customers/OUT-1", key()).statusCode() == 200);
            HttpResponse<String> decided = evaluate(key());
            assertThat(decided.statusCode()).as(decided.body()).isEqualTo(200);
            assertThat(get("/api/v1/customers/OUT-1", "X-Api-Key", unseen).statusCode()).isEqualTo(200);
            assertThat(get("/api/v1/customers/OUT-1", bearer(jwt)).statusCode()).isEqualTo(200);
            assertThat(get("/actuator/health", key()).statusCode()).isEqualTo(200);
            assertThat(get("/actuator/health/readiness", "X-Test-No-Credentials", "true").statusCode()).isEqualTo(200);

            // Down again, and stopped as SIGTERM stops it (the shutdown hook closes the context): within 15 s.
            database.close();
            assertThat(get("/api/v1/customers/OUT-1", key()).statusCode()).isEqualTo(503);
            long stopping = System.nanoTime();
            service.close();
            assertThat(Duration.ofNanos(System.nanoTime() - stopping)).as("stopped with the database down within")
                    .isLessThan(Duration.ofSeconds(15));
            service = null;
        } finally {
            if (service != null) {
                service.close();
            }
            database.close();
        }
    }

    private interface Request {
        HttpResponse<String> send() throws Exception;
    }

    /** Sends the request, timed; notes what is not a prompt 503 problem+json of the type with Retry-After. */
    private void unavailable(List<String> wrong, String what, Request request, String type) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = request.send();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        boolean problem = response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json");
        boolean retry = response.headers().firstValue("Retry-After").filter(v -> v.matches("\\d+")).isPresent();
        if (response.statusCode() != 503 || !problem || !retry || took.compareTo(PROMPT) >= 0
                || !response.body().contains("\"https://dunning.dev/problems/" + type + "\"")) {
            wrong.add(what + ": " + response.statusCode() + " after " + took.toMillis() + " ms, Retry-After "
                    + response.headers().firstValue("Retry-After").orElse("none") + ", " + response.body());
        }
    }

    private HttpResponse<String> get(String path, String... header) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).headers(header)
                .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> evaluate(String... header) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/decisions/evaluate"))
                .headers(header).header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(EVALUATE)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String[] key() {
        return new String[] {"X-Api-Key", TestCredentials.KEY};
    }

    private static String[] bearer(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }

    private static String jwt(KeyPair key, String user, List<String> roles) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(user).claim("roles", roles)
                .issueTime(Date.from(now.minusSeconds(60))).expirationTime(Date.from(now.plusSeconds(3600))).build();
        SignedJWT token = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        token.sign(new RSASSASigner((RSAPrivateKey) key.getPrivate()));
        return token.serialize();
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }
}
