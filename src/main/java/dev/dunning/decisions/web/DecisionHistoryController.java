package dev.dunning.decisions.web;

import dev.dunning.audit.AuditCheckpoints;
import dev.dunning.audit.AuditRecord;
import dev.dunning.audit.AuditRecords;
import dev.dunning.audit.ChainVerifier;
import dev.dunning.audit.Checkpoint;
import dev.dunning.audit.Explanation;
import dev.dunning.decisions.DecisionService;
import dev.dunning.web.FieldProblem;
import dev.dunning.web.InvalidRequestException;
import dev.dunning.web.NotFoundException;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reading decisions back from the audit log: one decision, a customer's history, and the chain's verification. */
@RestController
class DecisionHistoryController {

    private final DecisionService decisions;
    private final AuditRecords records;
    private final ChainVerifier verifier;
    private final JsonMapper json;
    private final AuditCheckpoints checkpoints;

    DecisionHistoryController(DecisionService decisions, AuditRecords records, ChainVerifier verifier,
            JsonMapper json, AuditCheckpoints checkpoints) {
        this.checkpoints = checkpoints;
        this.decisions = decisions;
        this.records = records;
        this.verifier = verifier;
        this.json = json;
    }

    /** A page of the customer's decision history, newest first; each decision exactly as it was answered. */
    record HistoryPage(String customerId, int page, int size, long total, List<JsonNode> decisions) {}

    /** A decision as answered, with how it was asked for and its place in the chain. */
    record RecordedDecision(
            String decisionId, Instant recordedAt, String principal, String entryPoint, long seq, String hash,
            JsonNode decision) {}

    @GetMapping(path = "/api/v1/customers/{id}/decisions", produces = MediaType.APPLICATION_JSON_VALUE)
    HistoryPage history(
            @PathVariable String id,
            @RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page,
            @RequestParam(defaultValue = "20") @Min(1) @Max(200) int size) {
        DecisionService.History history = decisions.history(id, page, size);
        return new HistoryPage(history.customerId(), page, size, history.total(),
                history.decisions().stream().map(this::decision).toList());
    }

    @GetMapping(path = "/api/v1/decisions/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    RecordedDecision decision(@PathVariable String id) {
        AuditRecord r = records.byDecisionId(id).orElseThrow(() -> new NotFoundException(
                "No decision with id \"" + id + "\""));
        return new RecordedDecision(r.decisionId(), r.recordedAt(), r.principal(), r.entryPoint(), r.seq(), r.hash(),
                decision(r));
    }

    /** The decision in plain words, with every fired rule and where it is written; built from the record alone. */
    @GetMapping(path = "/api/v1/decisions/{id}/explanation", produces = MediaType.APPLICATION_JSON_VALUE)
    Explanation explanation(@PathVariable String id) {
        AuditRecord r = records.byDecisionId(id).orElseThrow(() -> new NotFoundException(
                "No decision with id \"" + id + "\""));
        return Explanation.of(r, json.readTree(r.content()));
    }

    /** The same paragraph as plain text, for {@code Accept: text/plain}. */
    @GetMapping(path = "/api/v1/decisions/{id}/explanation", produces = MediaType.TEXT_PLAIN_VALUE)
    String explanationText(@PathVariable String id) {
        return explanation(id).text() + "\n";
    }

    /** Walks the hash chain over [from, to) and reports every break (the first as {@code broken}). */
    @GetMapping(path = "/api/v1/audit/verify", produces = MediaType.APPLICATION_JSON_VALUE)
    ChainVerifier.Result verify(@RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to) {
        return verifier.verify(from, to);
    }

    /**
     * Verification with the checkpoints an auditor kept (the body: JSON Lines, log lines or a JSON array), checked
     * against the public key the auditor trusts ({@code publicKey}, base64 X.509) or else the service's own.
     */
    @PostMapping(path = "/api/v1/audit/verify", produces = MediaType.APPLICATION_JSON_VALUE)
    ChainVerifier.Result verify(@RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to, @RequestParam(required = false) String publicKey,
            @RequestBody String checkpoints) {
        List<FieldProblem> problems = new ArrayList<>();
        PublicKey trusted = this.checkpoints.publicKey();
        if (publicKey != null && !publicKey.isBlank()) {
            try {
                trusted = AuditCheckpoints.publicKey(publicKey);
            } catch (IllegalArgumentException e) {
                problems.add(new FieldProblem("publicKey", e.getMessage()));
            }
        }
        List<Checkpoint> kept = List.of();
        try {
            kept = this.checkpoints.parse(checkpoints);
        } catch (IllegalArgumentException e) {
            problems.add(new FieldProblem("body", e.getMessage()));
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        return verifier.verify(from, to, kept, trusted);
    }

    private JsonNode decision(AuditRecord r) {
        return json.readTree(r.content()).get("decision");
    }
}
