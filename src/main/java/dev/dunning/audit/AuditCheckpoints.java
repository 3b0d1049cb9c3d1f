package dev.dunning.audit;

import dev.dunning.database.Sql;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Signs checkpoints of the chain's head with a key that is not in the database and publishes them where the
 * database cannot reach them: one log line each ({@value #LOG_PREFIX} followed by the checkpoint as JSON), and when
 * configured a JSON Lines file and a webhook an auditor keeps. They are also stored in {@code audit_checkpoints} for
 * convenience; verification never trusts that table, only the checkpoints an auditor brings.
 */
@Service
public class AuditCheckpoints {

    /** Logger name of the checkpoint lines, so that they can be routed to a place of their own. */
    public static final String LOGGER = "dunning.audit.checkpoint";
    /** What every checkpoint log line starts with; the checkpoint as JSON follows on the same line. */
    public static final String LOG_PREFIX = "AUDIT-CHECKPOINT ";

    private static final Logger log = LoggerFactory.getLogger(AuditCheckpoints.class);
    private static final Logger published = LoggerFactory.getLogger(LOGGER);

    private final JdbcClient jdbc;
    private final CheckpointProperties properties;
    private final Clock clock;
    private final JsonMapper json;
    private final KeyPair key;
    private final String keyId;
    private final HttpClient http;
    /** The head at the last checkpoint; until the first check, unknown (-1). */
    private long lastSeq = -1;
    private Instant lastAt;

    public AuditCheckpoints(JdbcClient jdbc, CheckpointProperties properties, Clock clock, JsonMapper json,
            Environment environment) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
        this.json = json;
        this.lastAt = clock.instant();
        Path dataDir = Path.of(environment.getProperty("dunning.database.data-dir", "data"));
        boolean configured = properties.privateKey() != null && !properties.privateKey().isBlank()
                || properties.keyFile() != null;
        this.key = CheckpointKey.load(properties.privateKey(), properties.keyFile(),
                dataDir.resolve(CheckpointKey.FILE_NAME));
        this.keyId = Checkpoint.keyId(key.getPublic());
        this.http = HttpClient.newBuilder().connectTimeout(properties.webhookTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        log.info("Audit checkpoints are signed with Ed25519 key {}; public key (X.509, base64): {}", keyId,
                CheckpointKey.publicKeyText(key.getPublic()));
        String datasource = environment.getProperty("spring.datasource.url", "");
        if (!configured && !datasource.isBlank()) {
            log.warn("No audit checkpoint key is configured, so the key in {} is used: with a database of your own, "
                    + "set dunning.audit.checkpoint.private-key or key-file to a key kept away from the database "
                    + "(docs/audit.md, Checkpoints)", dataDir.resolve(CheckpointKey.FILE_NAME).toAbsolutePath());
        }
    }

    /** The public key auditors check checkpoints with. */
    public PublicKey publicKey() {
        return key.getPublic();
    }

    /** The public key as auditors pass it around: base64 of its X.509 encoding, as logged at every start. */
    public String publicKeyText() {
        return CheckpointKey.publicKeyText(key.getPublic());
    }

    public String keyId() {
        return keyId;
    }

    /**
     * Reads a public key given as {@link #publicKeyText()} shows it.
     *
     * @throws IllegalArgumentException saying what is expected
     */
    public static PublicKey publicKey(String base64X509) {
        return CheckpointKey.publicKey(base64X509);
    }

    /**
     * A checkpoint when one is due: the head moved {@code every-records} records, or moved at all in {@code every}
     * (both counted from the last checkpoint, or from start).
     */
    @Scheduled(initialDelayString = "${dunning.audit.checkpoint.check:10s}",
            fixedDelayString = "${dunning.audit.checkpoint.check:10s}")
    synchronized void checkpointIfDue() {
        try {
            long headSeq = headSeq();
            if (lastSeq < 0) {
                // Counted from the first look after start: the head then is what the last interval ends at.
                lastSeq = headSeq;
                return;
            }
            if (headSeq > lastSeq && (headSeq - lastSeq >= properties.everyRecords()
                    || !clock.instant().isBefore(lastAt.plus(properties.every())))) {
                checkpointNow();
            }
        } catch (RuntimeException e) {
            log.warn("Making an audit checkpoint failed; trying again in {}: {}", properties.check(), e.getMessage());
        }
    }

    /** Signs the current head and publishes it (also when it has not moved); null while the log is empty. */
    public synchronized Checkpoint checkpointNow() {
        record Head(long seq, String hash) {}
        Head head = jdbc.sql("SELECT seq, hash FROM audit_chain_head WHERE id = 1")
                .query((rs, n) -> new Head(rs.getLong(1), rs.getString(2))).single();
        if (head.seq() == 0) {
            return null;
        }
        Checkpoint checkpoint = sign(head.seq(), head.hash(), clock.instant().truncatedTo(ChronoUnit.MICROS));
        String line = toJson(checkpoint);
        published.info(LOG_PREFIX + line);
        jdbc.sql("INSERT INTO audit_checkpoints (seq, hash, at, key_id, signature) VALUES (?, ?, ?, ?, ?)")
                .params(checkpoint.seq(), checkpoint.hash(), Sql.utc(checkpoint.at()), checkpoint.keyId(),
                        checkpoint.signature())
                .update();
        appendToFile(line);
        post(line);
        lastSeq = checkpoint.seq();
        lastAt = checkpoint.at();
        return checkpoint;
    }

    private Checkpoint sign(long seq, String hash, Instant at) {
        return Checkpoint.signed(key, seq, hash, at);
    }

    /** The stored checkpoints, newest first: a convenience for finding them, not evidence (the database holds it). */
    public List<Checkpoint> stored(int limit) {
        return jdbc.sql("SELECT seq, hash, at, key_id, signature FROM audit_checkpoints ORDER BY id DESC LIMIT ?")
                .param(limit)
                .query((rs, n) -> new Checkpoint(rs.getLong(1), rs.getString(2), Sql.instant(rs, "at"),
                        rs.getString(4), rs.getString(5)))
                .list();
    }

    /** One line of JSON, keys in a fixed order: what is logged, appended to the file and posted. */
    public String toJson(Checkpoint c) {
        ObjectNode node = json.createObjectNode();
        node.put("seq", c.seq());
        node.put("hash", c.hash());
        node.put("at", c.at().toString());
        node.put("keyId", c.keyId());
        node.put("signature", c.signature());
        return json.writeValueAsString(node);
    }

    /**
     * The checkpoints of a body an auditor sends: a JSON array of checkpoints, or JSON Lines (one per line; a log line
     * is accepted as it is, whatever stands before its JSON). Blank lines are skipped.
     *
     * @throws IllegalArgumentException naming the line that is not a checkpoint
     */
    public List<Checkpoint> parse(String body) {
        List<Checkpoint> checkpoints = new ArrayList<>();
        String text = body == null ? "" : body.strip();
        if (text.startsWith("[")) {
            JsonNode array = tree(text, "the body");
            for (int i = 0; i < array.size(); i++) {
                checkpoints.add(checkpoint(array.get(i), "item " + (i + 1)));
            }
            return checkpoints;
        }
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            int brace = line.indexOf('{');
            if (brace < 0) {
                throw new IllegalArgumentException("line " + (i + 1) + " holds no checkpoint (a JSON object with "
                        + "seq, hash, at, keyId and signature)");
            }
            checkpoints.add(checkpoint(tree(line.substring(brace), "line " + (i + 1)), "line " + (i + 1)));
        }
        return checkpoints;
    }

    private JsonNode tree(String text, String where) {
        try {
            return json.readTree(text);
        } catch (StreamReadException e) {
            Matcher duplicate = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
            if (duplicate.find()) {
                throw new IllegalArgumentException(where + ": " + duplicate.group(1) + " is given twice; a "
                        + "checkpoint names each field once");
            }
            throw new IllegalArgumentException(where + " is not JSON (or nested too deeply)");
        } catch (RuntimeException e) {
            // The parser's own message says nothing an auditor needs (and names the library).
            throw new IllegalArgumentException(where + " is not JSON (or nested too deeply)");
        }
    }

    /** The parser's words for a key given twice (the mapper refuses duplicate keys). */
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate Object property \"([^\"]{1,40})\"");

    /** Published checkpoints are no older than this format and carry no year past 9999, and microseconds at most. */
    private static final Instant EARLIEST = Instant.parse("2020-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private static Checkpoint checkpoint(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(where + " is not a checkpoint: give an object with seq, hash, at, "
                    + "keyId and signature as the service publishes them");
        }
        JsonNode seq = node.path("seq");
        if (!seq.isIntegralNumber() || !seq.canConvertToLong() || seq.asLong() < 1) {
            throw new IllegalArgumentException(where + ": seq must be the number of a record (1 or more)");
        }
        String hash = node.path("hash").isString() ? node.path("hash").asString() : "";
        if (!hash.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(where + ": hash must be 64 lower-case hex digits");
        }
        Instant at = null;
        if (node.path("at").isString()) {
            try {
                at = Instant.parse(node.path("at").asString());
            } catch (RuntimeException e) {
                // reported below
            }
        }
        if (at == null || at.isBefore(EARLIEST) || at.isAfter(LATEST) || at.getNano() % 1000 != 0) {
            throw new IllegalArgumentException(where + ": at must be the instant the checkpoint was made, to the microsecond, such as "
                    + "2026-12-04T15:20:00.123456Z");
        }
        JsonNode keyId = node.path("keyId");
        if (!keyId.isMissingNode() && !keyId.isNull()
                && !(keyId.isString() && keyId.asString().matches("[0-9a-f]{16}"))) {
            throw new IllegalArgumentException(where + ": keyId must be 16 lower-case hex digits, or left out");
        }
        String signature = node.path("signature").isString() ? node.path("signature").asString() : "";
        if (!signature.matches("[A-Za-z0-9+/]{86}==")) {
            throw new IllegalArgumentException(where + ": signature must be an Ed25519 signature in base64 "
                    + "(88 characters)");
        }
        return new Checkpoint(seq.asLong(), hash, at, ChainVerifier.text(keyId), signature);
    }

    private long headSeq() {
        return jdbc.sql("SELECT seq FROM audit_chain_head WHERE id = 1").query(Long.class).single();
    }

    private void appendToFile(String line) {
        Path file = properties.file();
        if (file == null) {
            return;
        }
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        } catch (IOException e) {
            log.warn("Cannot append the audit checkpoint to {}: {}", file, e.getMessage());
        }
    }

    private void post(String line) {
        if (properties.webhookUrl() == null) {
            return;
        }
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(properties.webhookUrl())
                    .timeout(properties.webhookTimeout()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(line)).build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                log.warn("The audit checkpoint webhook {} answered {}; the checkpoint is in the log",
                        properties.webhookUrl(), response.statusCode());
            }
        } catch (IOException e) {
            log.warn("The audit checkpoint webhook {} failed: {}; the checkpoint is in the log",
                    properties.webhookUrl(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
