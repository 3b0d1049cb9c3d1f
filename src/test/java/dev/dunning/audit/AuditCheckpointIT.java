package dev.dunning.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.dunning.database.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Checkpoints of the chain head, signed with the configured key and published to the log, a JSON Lines file and a
 * webhook (a real HTTP server in process); made every N records; and verification with the checkpoints an auditor
 * kept, sent over HTTP as the log lines they are.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class AuditCheckpointIT {

    static final KeyPair KEY = ed25519();
    static final HttpServer receiver = start();
    static final List<String> posted = new CopyOnWriteArrayList<>();
    static Path file;

    static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/checkpoints", exchange -> {
                posted.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stop() {
        receiver.stop(0);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        TestDatabase.freshDatabase("audit_checkpoints").register(registry);
        file = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "checkpoints-")
                .resolve("kept/checkpoints.jsonl");
        registry.add("dunning.audit.checkpoint.private-key",
                () -> Base64.getEncoder().encodeToString(KEY.getPrivate().getEncoded()));
        registry.add("dunning.audit.checkpoint.file", () -> file.toString());
        registry.add("dunning.audit.checkpoint.webhook-url",
                () -> "http://127.0.0.1:" + receiver.getAddress().getPort() + "/checkpoints");
        registry.add("dunning.audit.checkpoint.every-records", () -> "3");
        registry.add("dunning.audit.checkpoint.check", () -> "1h"); // the tests call the check themselves
    }

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    @Autowired
    AuditCheckpoints checkpoints;

    @Autowired
    ChainVerifier verifier;

    @Autowired
    JdbcClient jdbc;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aCheckpointIsSignedWithTheConfiguredKeyAndPublishedToTheLogTheFileAndTheWebhook(CapturedOutput output)
            throws Exception {
        ChainTampering.decide(http, port, json, 1);

        Checkpoint c = checkpoints.checkpointNow();

        assertThat(checkpoints.publicKey()).isEqualTo(KEY.getPublic());
        assertThat(c.signedBy(KEY.getPublic())).isTrue();
        assertThat(c.signedBy(ed25519().getPublic())).isFalse();
        String line = checkpoints.toJson(c);
        assertThat(line).isEqualTo("{\"seq\":" + c.seq() + ",\"hash\":\"" + c.hash() + "\",\"at\":\"" + c.at()
                + "\",\"keyId\":\"" + Checkpoint.keyId(KEY.getPublic()) + "\",\"signature\":\"" + c.signature()
                + "\"}");
        assertThat(output.getAll()).contains(AuditCheckpoints.LOG_PREFIX + line);
        assertThat(Files.readAllLines(file)).last().isEqualTo(line);
        assertThat(posted).last().isEqualTo(line);
        assertThat(checkpoints.stored(1)).containsExactly(c);
        JsonNode shown = json.readTree(http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/api/v1/audit/checkpoints?limit=1")).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(shown.get("publicKey").asString())
                .isEqualTo(Base64.getEncoder().encodeToString(KEY.getPublic().getEncoded()));
        assertThat(shown.get("keyId").asString()).isEqualTo(c.keyId());
        assertThat(shown.get("latest").get(0).get("signature").asString()).isEqualTo(c.signature());
        assertThat(c.hash()).isEqualTo(jdbc.sql("SELECT hash FROM audit_chain_head WHERE id = 1").query(String.class)
                .single());
        assertThat(verifier.verify(null, null, List.of(c), KEY.getPublic()).intact()).isTrue();
    }

    @Test
    void aCheckpointIsDueAfterTheConfiguredNumberOfRecords() throws Exception {
        Checkpoint last = checkpoints.checkpointNow();
        ChainTampering.decide(http, port, json, 2);

        checkpoints.checkpointIfDue();
        assertThat(checkpoints.stored(1)).as("two records are not enough").containsExactly(last);

        ChainTampering.decide(http, port, json, 1);
        checkpoints.checkpointIfDue();
        assertThat(checkpoints.stored(1).get(0).seq()).isEqualTo(last.seq() + 3);
    }

    @Test
    void anAuditorVerifiesWithTheLogLinesKeptAndAForgedCheckpointIsNotTrusted(CapturedOutput output)
            throws Exception {
        ChainTampering.decide(http, port, json, 2);
        Checkpoint kept = checkpoints.checkpointNow();
        String logLine = output.getAll().lines().filter(l -> l.contains(AuditCheckpoints.LOG_PREFIX))
                .reduce((a, b) -> b).orElseThrow();
        // Someone without the key claims the head was elsewhere.
        KeyPair other = ed25519();
        Checkpoint forged = Checkpoint.signed(other, kept.seq() + 50, "ab".repeat(32),
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        String body = logLine + "\n\n" + checkpoints.toJson(forged) + "\n";

        JsonNode result = json.readTree(verify("", body).body());

        assertThat(result.get("checkpoints").asInt()).isEqualTo(2);
        assertThat(result.get("breakCount").asLong()).isEqualTo(1);
        JsonNode broken = result.get("breaks").get(0);
        assertThat(broken.get("kind").asString()).isEqualTo("CHECKPOINT_SIGNATURE");
        assertThat(broken.get("seq").asLong()).isEqualTo(kept.seq() + 50);
        assertThat(result.get("broken")).isEqualTo(broken);

        // Against a key the auditor trusts instead of the service's: the service's own checkpoint proves nothing.
        String otherKey = URLEncoder.encode(Base64.getEncoder().encodeToString(other.getPublic().getEncoded()),
                StandardCharsets.UTF_8);
        JsonNode againstOther = json.readTree(verify("?publicKey=" + otherKey, "[" + checkpoints.toJson(kept) + ","
                + checkpoints.toJson(forged) + "]").body());
        assertThat(againstOther.get("breaks").get(0).get("kind").asString()).isEqualTo("CHECKPOINT_SIGNATURE");
        assertThat(againstOther.get("breaks").get(0).get("seq").asLong()).isEqualTo(kept.seq());
        assertThat(againstOther.get("breaks").get(1).get("kind").asString()).isEqualTo("TRUNCATED");

        HttpResponse<String> garbage = verify("", "not a checkpoint\n");
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.body()).contains("line 1");
        HttpResponse<String> badKey = verify("?publicKey=nonsense", checkpoints.toJson(kept));
        assertThat(badKey.statusCode()).isEqualTo(400);
        assertThat(badKey.body()).contains("publicKey");
        HttpResponse<String> badHash = verify("", checkpoints.toJson(kept).replace(kept.hash(), "not-a-hash"));
        assertThat(badHash.statusCode()).isEqualTo(400);
        assertThat(badHash.body()).contains("line 1: hash must be 64 lower-case hex digits");
    }

    private HttpResponse<String> verify(String query, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/audit/verify" + query))
                .header("Content-Type", "application/jsonl").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
