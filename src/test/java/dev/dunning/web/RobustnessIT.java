package dev.dunning.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.database.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.MethodParameter;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every endpoint that changes something, fed with what a broken or hostile client sends: malformed JSON, wrong types,
 * missing and extra fields, huge strings and numbers, dates out of range, unknown codes, impossible ids, and for uploads
 * empty files, files of the wrong kind, zip bombs and files over the limit. Each answer must be a 4xx problem+json,
 * never a 5xx; a spoilt field must be named in the answer; and the database must be exactly as before.
 *
 * <p>The endpoints are found by walking the request mappings. Every write endpoint needs a {@link Template} (a valid
 * request with real ids, never sent as it is) or, for uploads, a set of bad uploads here: an endpoint added later
 * without one fails this test, so it cannot be forgotten.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RobustnessIT {

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        TestDatabase.Connection db = TestDatabase.freshDatabase("robust");
        db.register(registry);
        registry.add("dunning.database.demo-data", () -> "false");
        // Nothing but the requests may change the database while the checksums are compared: no dispatcher, and no
        // effectiveness pass moving its high-water mark.
        registry.add("dunning.dispatch.scheduled", () -> "false");
        registry.add("dunning.effectiveness.scheduled", () -> "false");
    }

    @LocalServerPort
    int port;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    final List<String> failures = new ArrayList<>();
    String checksum;
    int requests;
    long checksumNanos;

    /** What a field holds, so that the test knows what is wrong for it. */
    /** LONG: a whole number that may pass an int (a sequence number of the audit log). */
    enum Kind { TEXT, ID, INT, LONG, DECIMAL, DATE, INSTANT, CODE, BOOL, OBJECT, LIST, CODES, IDS }

    /** A bad value at a place inside the body: {@code pointer} is the JSON pointer of the field, e.g. /invoices/0/amount. */
    record Spoil(String what, String pointer, String json) {}

    /**
     * A valid request of a write endpoint, never sent as it is: its path with ids that exist, its JSON body (null for an
     * endpoint without one), each top-level field's kind, the required fields, and spoils deeper inside the body.
     */
    record Template(String method, String pattern, String path, String body, Map<String, Kind> fields,
            Set<String> required, List<Spoil> nested) {

        String key() {
            return method + " " + pattern;
        }
    }

    /** Endpoints that take a file; each has its own bad uploads below. */
    static final Set<String> UPLOADS = Set.of("POST /api/v1/rule-sets/validate", "POST /api/v1/rule-sets",
            "POST /api/v1/import/{kind}");

    /** Upserts: a well-formed id that is not stored yet is a valid request there, so it is not sent. */
    static final Set<String> UPSERTS = Set.of("PUT /api/v1/customers/{id}", "PUT /api/v1/invoices/{id}");

    static final String LONG_ID = "x".repeat(300);

    /**
     * Half a surrogate pair. A JSON writer would send it as the replacement character, so bodies carry it as the
     * escape {@code \ud800}, which is what an attacker writes (see {@link #sendable}).
     */
    static final String LONE = "\uD800";

    /** Ids of what {@link #seed()} stored. */
    record Seeded(long holdId, String awaiting, String sent, String dead, long runId, String version, long keyId,
            long testId, long endedTestId) {}

    List<Template> templates(Seeded s) {
        return List.of(
                new Template("PUT", "/api/v1/customers/{id}", "/api/v1/customers/R-NEW", """
                        {"name": "Ada", "segment": "CONSUMER", "country": "DE", "language": "de",
                         "timeZone": "Europe/Berlin", "currency": "EUR", "riskScore": 30, "tenureMonths": 12,
                         "consents": {"EMAIL": true}, "doNotContact": false, "vulnerable": false,
                         "thirdPartyCollection": false, "email": "ada@example.com", "mobile": "+4915112345678"}""",
                        fields("name", Kind.TEXT, "segment", Kind.CODE, "country", Kind.TEXT, "language", Kind.TEXT,
                                "timeZone", Kind.TEXT, "currency", Kind.TEXT, "riskScore", Kind.INT,
                                "tenureMonths", Kind.INT, "consents", Kind.OBJECT, "doNotContact", Kind.BOOL,
                                "vulnerable", Kind.BOOL, "thirdPartyCollection", Kind.BOOL, "email", Kind.TEXT,
                                "mobile", Kind.TEXT),
                        Set.of("segment", "country", "timeZone"),
                        List.of(new Spoil("consents for an unknown channel", "/consents/PIGEON", "true"),
                                new Spoil("consent not a flag", "/consents/EMAIL", "\"maybe\""))),
                new Template("PUT", "/api/v1/invoices/{id}", "/api/v1/invoices/R-INV-NEW", """
                        {"customerId": "R-1", "number": "1", "currency": "EUR", "amount": "10.00",
                         "issueDate": "2025-01-01", "dueDate": "2025-02-01", "status": "OPEN", "paymentMethod": "CARD"}""",
                        fields("customerId", Kind.ID, "number", Kind.ID, "currency", Kind.TEXT,
                                "amount", Kind.DECIMAL, "issueDate", Kind.DATE, "dueDate", Kind.DATE,
                                "status", Kind.CODE, "paymentMethod", Kind.ID),
                        Set.of("customerId", "currency", "amount", "issueDate", "dueDate"),
                        List.of(new Spoil("an unknown customer", "/customerId", "\"R-UNKNOWN\""))),
                new Template("POST", "/api/v1/invoices/{id}/payments", "/api/v1/invoices/R-INV-1/payments", """
                        {"amount": "5.00", "currency": "EUR", "paidAt": "2025-03-01T10:00:00Z", "reference": "p1"}""",
                        fields("amount", Kind.DECIMAL, "currency", Kind.TEXT, "paidAt", Kind.INSTANT,
                                "reference", Kind.ID),
                        Set.of("amount", "currency"),
                        List.of(new Spoil("another currency than the invoice's", "/currency", "\"USD\""))),
                new Template("POST", "/api/v1/invoices/{id}/payment-failures",
                        "/api/v1/invoices/R-INV-1/payment-failures", """
                        {"declineCode": "expired_card", "failedAt": "2025-03-01T10:00:00Z", "amount": "5.00",
                         "reference": "f1"}""",
                        fields("declineCode", Kind.ID, "failedAt", Kind.INSTANT, "amount", Kind.DECIMAL,
                                "reference", Kind.ID),
                        Set.of("declineCode"), List.of()),
                new Template("POST", "/api/v1/customers/{id}/holds", "/api/v1/customers/R-1/holds", """
                        {"kind": "DISPUTE", "invoiceId": "R-INV-1", "from": "2025-03-01", "until": "2025-03-30",
                         "reason": "disputed"}""",
                        fields("kind", Kind.CODE, "invoiceId", Kind.ID, "from", Kind.DATE, "until", Kind.DATE,
                                "reason", Kind.TEXT),
                        Set.of("kind", "from"),
                        List.of(new Spoil("ends before it begins", "/until", "\"2025-02-01\""),
                                new Spoil("an invoice of nobody", "/invoiceId", "\"R-UNKNOWN\""))),
                new Template("DELETE", "/api/v1/customers/{id}/holds/{holdId}",
                        "/api/v1/customers/R-1/holds/" + s.holdId(), null, Map.of(), Set.of(), List.of()),
                new Template("POST", "/api/v1/customers/{id}/contacts", "/api/v1/customers/R-1/contacts", """
                        {"at": "2025-03-01T10:00:00Z", "channel": "EMAIL", "action": "REMINDER", "stage": 1,
                         "outcome": "SENT", "reference": "c1"}""",
                        fields("at", Kind.INSTANT, "channel", Kind.CODE, "action", Kind.CODE, "stage", Kind.INT,
                                "outcome", Kind.CODE, "reference", Kind.ID),
                        Set.of("at", "channel", "outcome"), List.of()),
                // JSON Lines: one checkpoint a line.
                new Template("POST", "/api/v1/audit/verify", "/api/v1/audit/verify", ("{\"seq\": 1, \"hash\": \"%s\", "
                        + "\"at\": \"2026-03-01T10:00:00Z\", \"keyId\": \"0123456789abcdef\", \"signature\": \"%s==\"}")
                        .formatted("ab".repeat(32), "A".repeat(86)),
                        fields("seq", Kind.LONG, "hash", Kind.TEXT, "at", Kind.INSTANT, "keyId", Kind.TEXT,
                                "signature", Kind.TEXT),
                        Set.of("seq", "hash", "at", "signature"), List.of()),
                new Template("POST", "/api/v1/decisions", "/api/v1/decisions", """
                        {"customerId": "R-1", "asOf": "2025-03-12T10:00:00Z", "dispatch": false}""",
                        fields("customerId", Kind.ID, "asOf", Kind.INSTANT, "dispatch", Kind.BOOL),
                        Set.of("customerId"),
                        List.of(new Spoil("an unknown customer", "/customerId", "\"R-UNKNOWN\""))),
                new Template("POST", "/api/v1/decisions/evaluate", "/api/v1/decisions/evaluate", """
                        {"asOf": "2025-03-12T18:00:00Z",
                         "customer": {"id": "E-1", "segment": "CONSUMER", "country": "US", "timeZone": "America/New_York",
                                      "currency": "USD", "riskScore": 40, "consents": {"EMAIL": true}},
                         "invoices": [{"id": "E-I-1", "number": "1", "currency": "USD", "amount": "100.00",
                                       "amountPaid": "0.00", "issueDate": "2025-01-01", "dueDate": "2025-02-01",
                                       "status": "OPEN", "failedAttempts": 0}],
                         "contacts": [{"at": "2025-02-20T10:00:00Z", "channel": "EMAIL", "action": "REMINDER",
                                       "stage": 1, "outcome": "SENT"}],
                         "holds": [{"kind": "MANUAL", "from": "2025-01-01", "until": "2025-01-02"}]}""",
                        fields("asOf", Kind.INSTANT, "customer", Kind.OBJECT, "invoices", Kind.LIST,
                                "contacts", Kind.LIST, "holds", Kind.LIST),
                        Set.of("customer"),
                        List.of(new Spoil("customer segment unknown", "/customer/segment", "\"ROBOT\""),
                                new Spoil("customer id huge", "/customer/id", "\"" + "c".repeat(100_000) + "\""),
                                new Spoil("customer id empty", "/customer/id", "\"\""),
                                new Spoil("customer id whitespace only", "/customer/id", "\"   \""),
                                new Spoil("customer consents for an unknown channel", "/customer/consents",
                                        "{\"PIGEON\": true}"),
                                new Spoil("customer risk score huge", "/customer/riskScore", "1" + "0".repeat(30)),
                                new Spoil("customer risk score beyond double", "/customer/riskScore", "1e400"),
                                new Spoil("invoice amount text", "/invoices/0/amount", "\"lots\""),
                                new Spoil("invoice amount huge", "/invoices/0/amount", "\"" + "9".repeat(60) + "\""),
                                new Spoil("invoice amount beyond double", "/invoices/0/amount", "1e400"),
                                new Spoil("invoice amount with a huge exponent", "/invoices/0/amount",
                                        "\"1e999999999\""),
                                new Spoil("invoice failed attempts huge", "/invoices/0/failedAttempts",
                                        "1" + "0".repeat(30)),
                                new Spoil("invoice due date impossible", "/invoices/0/dueDate", "\"2025-02-30\""),
                                new Spoil("invoice due date in year 10000", "/invoices/0/dueDate",
                                        "\"+10000-01-01\""),
                                new Spoil("invoice issue date before year 0", "/invoices/0/issueDate",
                                        "\"-0001-01-01\""),
                                new Spoil("invoice status unknown", "/invoices/0/status", "\"LOST\""),
                                new Spoil("invoice currency unknown", "/invoices/0/currency", "\"XXY\""),
                                new Spoil("invoice id empty", "/invoices/0/id", "\"\""),
                                new Spoil("contact channel unknown", "/contacts/0/channel", "\"PIGEON\""),
                                new Spoil("contact stage huge", "/contacts/0/stage", "1" + "0".repeat(30)),
                                new Spoil("contact in year 10000", "/contacts/0/at", "\"+10000-01-01T00:00:00Z\""),
                                new Spoil("contact outcome unknown", "/contacts/0/outcome", "\"LOST\""),
                                new Spoil("hold kind unknown", "/holds/0/kind", "\"FOREVER\""),
                                new Spoil("hold from before year 0", "/holds/0/from", "\"-0001-01-01\""),
                                new Spoil("hold until in year 10000", "/holds/0/until", "\"+10000-01-01\""),
                                new Spoil("customer id with half a surrogate pair", "/customer/id", "\"C-\\ud800\""),
                                new Spoil("customer id with a control character", "/customer/id", "\"C-\\u0001\""),
                                new Spoil("customer name with half a surrogate pair", "/customer/name",
                                        "\"Ada \\udfff\""),
                                new Spoil("customer doNotContact empty", "/customer/doNotContact", "\"\""),
                                new Spoil("customer doNotContact zero", "/customer/doNotContact", "0"),
                                new Spoil("customer time zone a number", "/customer/timeZone", "-1"),
                                new Spoil("customer time zone unknown", "/customer/timeZone", "\"Not/AZone\""),
                                new Spoil("customer time zone an offset", "/customer/timeZone", "\"+01:00\""),
                                new Spoil("customer risk score as text", "/customer/riskScore", "\"40\""),
                                new Spoil("customer consents a list", "/customer/consents", "[]"),
                                new Spoil("invoice id with a control character", "/invoices/0/id", "\"I-\\u007f\""),
                                new Spoil("invoice decline code with a control character",
                                        "/invoices/0/lastDeclineCode", "\"05\\u0085\""),
                                new Spoil("invoice due date a number", "/invoices/0/dueDate", "20250305"),
                                new Spoil("invoice due date a list", "/invoices/0/dueDate", "[2025, 3, 5]"),
                                new Spoil("invoice last failure a number", "/invoices/0/lastFailureAt", "0"),
                                new Spoil("contact at a number", "/contacts/0/at", "1e309"),
                                new Spoil("contact at in nanoseconds", "/contacts/0/at",
                                        "\"2025-02-20T10:00:00.000000001Z\""),
                                new Spoil("hold until an empty list", "/holds/0/until", "[]"),
                                new Spoil("hold until an empty string", "/holds/0/until", "\"\""),
                                new Spoil("a null invoice", "/invoices/0", "null"),
                                new Spoil("a null contact", "/contacts/0", "null"))),
                new Template("POST", "/api/v1/api-keys", "/api/v1/api-keys", """
                        {"name": "robot", "roles": ["AUDITOR"]}""",
                        fields("name", Kind.TEXT, "roles", Kind.CODES), Set.of("name", "roles"), List.of()),
                new Template("DELETE", "/api/v1/api-keys/{id}", "/api/v1/api-keys/" + s.keyId(), null, Map.of(),
                        Set.of(), List.of()),
                new Template("POST", "/api/v1/runs", "/api/v1/runs", """
                        {"asOf": "2025-03-12T10:00:00Z", "mode": "dry-run", "segment": "CONSUMER", "country": "DE",
                         "currency": "EUR", "dispatch": false}""",
                        fields("asOf", Kind.INSTANT, "mode", Kind.CODE, "segment", Kind.CODE, "country", Kind.TEXT,
                                "currency", Kind.TEXT, "dispatch", Kind.BOOL),
                        Set.of("asOf", "mode"), List.of()),
                new Template("POST", "/api/v1/runs/{id}/restart", "/api/v1/runs/" + s.runId() + "/restart", null,
                        Map.of(), Set.of(), List.of()),
                new Template("POST", "/api/v1/runs/{id}/stop", "/api/v1/runs/" + s.runId() + "/stop", null,
                        Map.of(), Set.of(), List.of()),
                new Template("POST", "/api/v1/approvals/{decisionId}", "/api/v1/approvals/" + s.awaiting(), """
                        {"verdict": "APPROVE", "reason": "checked the file"}""",
                        fields("verdict", Kind.CODE, "reason", Kind.TEXT), Set.of("verdict", "reason"), List.of()),
                // No decision 00000000-...-0041 exists: every spoiled body is refused before the decision is looked
                // up, so a note a lenient parser accepted could not be written either.
                new Template("POST", "/api/v1/manual-reviews/{decisionId}/dealt-with",
                        "/api/v1/manual-reviews/00000000-0000-0000-0000-000000000041/dealt-with", """
                        {"note": "spoke to the customer's carer; payment plan agreed"}""",
                        fields("note", Kind.TEXT), Set.of("note"), List.of()),
                new Template("POST", "/api/v1/contact-events", "/api/v1/contact-events", """
                        {"decisionId": "%s", "type": "BOUNCED", "bounce": "SOFT", "detail": "mailbox full"}"""
                        .formatted(s.sent()),
                        fields("decisionId", Kind.ID, "type", Kind.CODE, "bounce", Kind.CODE, "detail", Kind.TEXT),
                        Set.of("decisionId", "type"),
                        List.of(new Spoil("an unknown decision", "/decisionId", "\"" + UUID.randomUUID() + "\""),
                                new Spoil("a decision not sent yet", "/decisionId", "\"" + s.awaiting() + "\""))),
                // The same endpoint with a complaint: its kind is required then, and a STOP reply only answers a text
                // (the message sent is an e-mail).
                new Template("POST", "/api/v1/contact-events", "/api/v1/contact-events", """
                        {"decisionId": "%s", "type": "COMPLAINED", "complaint": "SPAM_REPORT", "detail": "ARF"}"""
                        .formatted(s.sent()),
                        fields("decisionId", Kind.ID, "type", Kind.CODE, "complaint", Kind.CODE, "detail", Kind.TEXT),
                        Set.of("decisionId", "type", "complaint"),
                        List.of(new Spoil("a STOP reply to an e-mail", "/complaint", "\"STOP_REPLY\""),
                                new Spoil("a complaint in lower case", "/complaint", "\"spam_report\""),
                                new Spoil("a complaint about a decision not sent yet", "/decisionId",
                                        "\"" + s.awaiting() + "\""))),
                new Template("POST", "/api/v1/outbox/{decisionId}/requeue",
                        "/api/v1/outbox/" + s.dead() + "/requeue", null, Map.of(), Set.of(), List.of()),
                new Template("POST", "/api/v1/challenger-tests", "/api/v1/challenger-tests", """
                        {"challengerVersion": "%s", "sharePercent": 10, "comment": "a firmer tone"}"""
                        .formatted(s.version()),
                        fields("challengerVersion", Kind.TEXT, "sharePercent", Kind.DECIMAL, "comment", Kind.TEXT),
                        Set.of("challengerVersion", "sharePercent"), List.of()),
                new Template("POST", "/api/v1/challenger-tests/{id}/approve",
                        "/api/v1/challenger-tests/" + s.testId() + "/approve", null, Map.of(), Set.of(), List.of()),
                new Template("POST", "/api/v1/challenger-tests/{id}/promote",
                        "/api/v1/challenger-tests/" + s.testId() + "/promote", null, Map.of(), Set.of(), List.of()),
                new Template("POST", "/api/v1/challenger-tests/{id}/stop",
                        "/api/v1/challenger-tests/" + s.testId() + "/stop", """
                        {"reason": "enough customers"}""", fields("reason", Kind.TEXT), Set.of("reason"), List.of()),
                new Template("POST", "/api/v1/challenger-tests/{id}/rollback",
                        "/api/v1/challenger-tests/" + s.testId() + "/rollback", """
                        {"reason": "complaints"}""", fields("reason", Kind.TEXT), Set.of("reason"), List.of()),
                new Template("POST", "/api/v1/rule-sets/{version}/activate",
                        "/api/v1/rule-sets/" + s.version() + "/activate", null, Map.of(), Set.of(), List.of()),
                new Template("POST", "/api/v1/rule-sets/{version}/reviews",
                        "/api/v1/rule-sets/" + s.version() + "/reviews", """
                        {"comment": "back to the version before"}""",
                        fields("comment", Kind.TEXT), Set.of("comment"), List.of()),
                // No request 987654320 exists: every spoiled body is refused before the request is looked up.
                new Template("POST", "/api/v1/rule-sets/reviews/{id}/approve",
                        "/api/v1/rule-sets/reviews/987654320/approve", """
                        {"comment": "checked the diff"}""", fields("comment", Kind.TEXT), Set.of(), List.of()),
                new Template("POST", "/api/v1/rule-sets/reviews/{id}/reject",
                        "/api/v1/rule-sets/reviews/987654320/reject", """
                        {"comment": "the scenarios miss business customers"}""",
                        fields("comment", Kind.TEXT), Set.of("comment"), List.of()),
                new Template("POST", "/api/v1/rule-sets/reviews/{id}/withdraw",
                        "/api/v1/rule-sets/reviews/987654320/withdraw", """
                        {"comment": "not needed"}""", fields("comment", Kind.TEXT), Set.of(), List.of()),
                new Template("POST", "/api/v1/rule-sets/{version}/simulate",
                        "/api/v1/rule-sets/" + s.version() + "/simulate", """
                        {"asOf": "2025-03-12T10:00:00Z", "customerIds": ["R-1"], "segment": "CONSUMER",
                         "country": "DE", "page": 0, "size": 10}""",
                        fields("asOf", Kind.INSTANT, "customerIds", Kind.IDS, "segment", Kind.CODE,
                                "country", Kind.TEXT, "page", Kind.INT, "size", Kind.INT),
                        Set.of(), List.of()));
    }

    /** Requests refused because of the state of what they name, not because of their shape. */
    private void refusedByState(Seeded s) {
        expectRejected("POST", "/api/v1/runs/" + s.runId() + "/restart", null, "restarting a completed run");
        expectRejected("POST", "/api/v1/runs/" + s.runId() + "/stop", null, "stopping a completed run");
        expectRejected("POST", "/api/v1/outbox/" + s.sent() + "/requeue", null, "re-queueing a sent entry");
        expectRejected("POST", "/api/v1/approvals/" + s.sent(), """
                {"verdict": "APPROVE", "reason": "checked"}""", "approving a sent entry");
        expectRejected("DELETE", "/api/v1/customers/R-2/holds/" + s.holdId(), null, "ending another customer's hold");
        expectRejected("POST", "/api/v1/rule-sets/" + s.version() + "/reviews", """
                {"comment": "again"}""", "asking to activate the version in force");
        expectRejected("POST", "/api/v1/api-keys", """
                {"name": "%s", "roles": ["AUDITOR"]}""".formatted(activeKeyName()), "a name an active key has");
        expectRejected("POST", "/api/v1/challenger-tests", """
                {"challengerVersion": "%s", "sharePercent": 10}""".formatted(s.version()),
                "a second open test, of the active version");
        expectRejected("POST", "/api/v1/challenger-tests/" + s.testId() + "/approve", null,
                "approving a test whose challenger is the active version");
        expectRejected("POST", "/api/v1/challenger-tests/" + s.testId() + "/promote", null,
                "promoting a test that is not running");
        expectRejected("POST", "/api/v1/challenger-tests/" + s.endedTestId() + "/stop", """
                {"reason": "again"}""", "stopping a stopped test");
        expectRejected("POST", "/api/v1/challenger-tests/" + s.endedTestId() + "/approve", null,
                "approving a stopped test");
    }

    /**
     * The console's pages that change something, and the browser test that sends each its bad input (refused on the
     * page, nothing stored): they call the services the API calls, whose refusals this test proves.
     */
    static final Map<String, String> CONSOLE_WRITES = Map.ofEntries(
            Map.entry("POST /console/rule-sets/upload",
                    "RuleSetPagesIT (a macro workbook, an auditor's hand-made request)"),
            Map.entry("POST /console/decisions/verify",
                    "DecisionPagesIT (verifies, changes nothing; a bad time is named)"),
            Map.entry("POST /console/queues/approvals/{decisionId}",
                    "WorkQueuePagesIT (a rejection without a comment)"),
            Map.entry("POST /console/queues/manual-review/{decisionId}/dealt-with",
                    "WorkQueuePagesIT (no note; a review dealt with already)"),
            Map.entry("POST /console/queues/dead-letters/{decisionId}/requeue",
                    "WorkQueuePagesIT (re-queueing an entry that is no longer dead)"),
            Map.entry("POST /console/customers/{id}/holds",
                    "CustomerPagesIT (no reason, a past last day, an unknown kind)"),
            Map.entry("POST /console/customers/{id}/holds/{holdId}/end",
                    "CustomerPagesIT (ends a hold; an unknown hold is 404)"),
            Map.entry("POST /console/rule-sets/{version}/reviews",
                    "RuleSetReviewPagesIT (asking without a comment)"),
            Map.entry("POST /console/rule-sets/reviews/{id}/approve",
                    "RuleSetReviewPagesIT (the asker approving)"),
            Map.entry("POST /console/rule-sets/reviews/{id}/reject",
                    "RuleSetReviewPagesIT (rejecting without a comment)"),
            Map.entry("POST /console/rule-sets/reviews/{id}/withdraw",
                    "RuleSetReviewPagesIT (a request withdrawn by its asker)"),
            Map.entry("POST /console/runs",
                    "RunPagesIT (a bad date, an unknown country, dispatch with a dry run; an auditor)"),
            Map.entry("POST /console/runs/{id}/stop", "RunPagesIT (the API's 409 for a run that is not running)"),
            Map.entry("POST /console/runs/{id}/restart", "RunPagesIT (the API's 409 for a completed run)"),
            Map.entry("POST /console/admin/people", "AdminPagesIT (a name an API key has; a non-administrator)"),
            Map.entry("POST /console/admin/people/{name}/roles",
                    "AdminPagesIT (ADMIN taken from the last administrator)"),
            Map.entry("POST /console/admin/people/{name}/disable", "AdminPagesIT (disabling oneself)"),
            Map.entry("POST /console/admin/people/{name}/password", "AdminPagesIT (lifts a lockout)"),
            Map.entry("POST /console/admin/api-keys", "AdminPagesIT (a name a person has)"),
            Map.entry("POST /console/admin/api-keys/{id}/revoke", "AdminPagesIT (revoked, then the API refuses it)"),
            Map.entry("POST /console/challenger-tests",
                    "EffectivenessPagesIT (a share of 75 %, no version chosen)"),
            Map.entry("POST /console/challenger-tests/{id}/stop", "EffectivenessPagesIT (stopping without a reason)"),
            Map.entry("POST /console/challenger-tests/{id}/rollback",
                    "EffectivenessPagesIT (a test that has ended already)"),
            Map.entry("POST /console/challenger-tests/{id}/promote",
                    "EffectivenessPagesIT (promoting a test that is not running)"),
            Map.entry("POST /console/rule-sets/{version}/simulate",
                    "RuleSetComparePagesIT (a country that is no ISO code is named and starts no simulation)"));

    @Test
    void everyWriteEndpointAnswersBadInputWithA4xxProblemAndChangesNothing() {
        Seeded seeded = seed();
        checksum = checksum();
        long started = System.nanoTime();
        // An endpoint may have more than one template (a contact event with a bounce, one with a complaint): the first
        // stands for the endpoint, the fields of each are spoilt.
        List<Template> all = templates(seeded);
        Map<String, Template> templates = all.stream()
                .collect(Collectors.toMap(Template::key, t -> t, (a, b) -> a, LinkedHashMap::new));

        List<String> covered = new ArrayList<>();
        List<String> forgotten = new ArrayList<>();
        for (var entry : mappings.getHandlerMethods().entrySet()) {
            RequestMappingInfo info = entry.getKey();
            HandlerMethod handler = entry.getValue();
            for (RequestMethod method : info.getMethodsCondition().getMethods()) {
                if (method == RequestMethod.GET || method == RequestMethod.HEAD || method == RequestMethod.OPTIONS) {
                    continue;
                }
                for (String pattern : info.getPathPatternsCondition().getPatternValues()) {
                    String key = method + " " + pattern;
                    if (pattern.startsWith("/console/")) {
                        // Pages answer people, with pages: their bad input is each page's browser test's to try.
                        if (!CONSOLE_WRITES.containsKey(key)) {
                            forgotten.add(key + " is a console page that changes something; name the browser test "
                                    + "that tries its bad input in RobustnessIT.CONSOLE_WRITES");
                        }
                        continue;
                    }
                    covered.add(key);
                    boolean upload = info.getConsumesCondition().getConsumableMediaTypes().stream()
                            .anyMatch(t -> t.getType().equals("multipart") || t.getSubtype().equals("csv"));
                    boolean json = !upload && Arrays.stream(handler.getMethodParameters())
                            .anyMatch(p -> p.hasParameterAnnotation(RequestBody.class));
                    Template template = templates.get(key);
                    if (upload) {
                        if (!UPLOADS.contains(key)) {
                            forgotten.add(key + " takes an upload but has no bad uploads in RobustnessIT");
                        }
                        continue;
                    }
                    if (template == null) {
                        forgotten.add(key + (json ? " takes JSON" : " changes something")
                                + " but has no Template in RobustnessIT.templates()");
                        continue;
                    }
                    spoilPathVariables(template, handler);
                    if (json) {
                        malformedBodies(template.required().isEmpty())
                                .forEach((what, body) -> expectRejected(method.name(), template.path(), body, what));
                    }
                }
            }
        }
        all.forEach(this::spoilFields);
        refusedByState(seeded);
        badRuleSetUploads();
        badImports();
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("RobustnessIT: %d requests, each followed by a checksum, in %d ms (checksums: %d ms)%n",
                requests, elapsedMs, checksumNanos / 1_000_000);

        assertThat(covered).as("the walk found the write endpoints").contains("PUT /api/v1/customers/{id}",
                "POST /api/v1/decisions/evaluate", "DELETE /api/v1/customers/{id}/holds/{holdId}",
                "POST /api/v1/runs", "POST /api/v1/rule-sets/{version}/simulate", "POST /api/v1/import/{kind}");
        assertThat(forgotten).as("write endpoints the robustness test does not know; add them").isEmpty();
        assertThat(templates.keySet()).as("templates of endpoints that no longer exist").isSubsetOf(covered);
        assertThat(failures).as("requests not answered with a precise 4xx problem, or that changed the database")
                .isEmpty();
    }

    /** Bodies that no JSON endpoint can take; an empty body only where the body is required. */
    private static Map<String, String> malformedBodies(boolean bodyOptional) {
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("truncated JSON", "{\"a\": ");
        bodies.put("not JSON", "this is not json");
        bodies.put("unbalanced", "{\"a\": [1, 2}");
        bodies.put("a number instead of an object", "42");
        bodies.put("a string instead of an object", "\"text\"");
        bodies.put("a list instead of an object", "[{}]");
        if (!bodyOptional) {
            bodies.put("an empty body", "");
            bodies.put("null", "null");
        }
        bodies.put("a body over the size limit", "{\"a\": \"" + "x".repeat(1_100_000) + "\"}");
        bodies.put("deeply nested", "[".repeat(5000) + "]".repeat(5000));
        bodies.put("deeply nested objects", "{\"a\":".repeat(3000) + "1" + "}".repeat(3000));
        return bodies;
    }

    /**
     * Each path variable in turn (the others keep the template's real ids): absurd, empty-looking and unknown values
     * where ids are text, non-numbers and out-of-range numbers where they are numeric. The template's valid body goes
     * along, so only the id is wrong.
     */
    private void spoilPathVariables(Template t, HandlerMethod handler) {
        String[] patternParts = t.pattern().split("/");
        String[] pathParts = t.path().split("/");
        for (int i = 0; i < patternParts.length; i++) {
            if (!patternParts[i].startsWith("{")) {
                continue;
            }
            String variable = patternParts[i].substring(1, patternParts[i].length() - 1);
            boolean numeric = Arrays.stream(handler.getMethodParameters())
                    .filter(p -> variable.equals(pathVariableName(p)))
                    .anyMatch(p -> p.getParameterType() == long.class || p.getParameterType() == int.class);
            List<String> values = new ArrayList<>(List.of(LONG_ID, "%00", "..%2F..%2Fetc", "%20%20%20", "%09",
                    "R%1B", "R%7F", "R%C2%85", "R%0A", "R%ED%A0%80", "R%FF"));
            if (numeric) {
                values.addAll(List.of("abc", "99999999999999999999999", "-1", "1.5", "987654321", "0x10"));
            } else if (!UPSERTS.contains(t.key())) {
                values.addAll(List.of("R-UNKNOWN", "0".repeat(64), UUID.randomUUID().toString()));
            }
            for (String value : values) {
                String[] parts = pathParts.clone();
                parts[i] = value;
                expectRejected(t.method(), String.join("/", parts), t.body(),
                        "path variable " + variable + " = " + value.substring(0, Math.min(20, value.length())));
            }
        }
    }

    private static String pathVariableName(MethodParameter p) {
        PathVariable annotation = p.getParameterAnnotation(PathVariable.class);
        if (annotation == null) {
            return null;
        }
        return !annotation.name().isEmpty() ? annotation.name() : !annotation.value().isEmpty() ? annotation.value()
                : p.getParameterName();
    }

    private void spoilFields(Template t) {
        if (t.body() == null) {
            return;
        }
        ObjectNode valid = (ObjectNode) json.readTree(t.body());
        if (!t.required().isEmpty()) {
            expectRejected(t.method(), t.path(), "{}", "no fields");
            expectRejected(t.method(), t.path(), "{\"unexpectedField\": 1}", "only an unknown field");
        }
        for (String field : t.required()) {
            ObjectNode body = valid.deepCopy();
            body.remove(field);
            body.put("unexpectedField", "extra fields do not make up for a missing one");
            expectRejected(t.method(), t.path(), body.toString(), "without " + field, field);
            ObjectNode nulled = valid.deepCopy();
            nulled.putNull(field);
            expectRejected(t.method(), t.path(), nulled.toString(), field + " null", field);
            if (Set.of(Kind.TEXT, Kind.ID, Kind.CODE).contains(t.fields().get(field))) {
                for (String blank : List.of("", "   ", "\t\n")) {
                    ObjectNode body2 = valid.deepCopy();
                    body2.put(field, blank);
                    expectRejected(t.method(), t.path(), body2.toString(), field + " blank \"" + blank + "\"",
                            field);
                }
            }
        }
        t.fields().forEach((field, kind) -> {
            for (Map.Entry<String, JsonNode> bad : wrongValues(kind, valid.get(field)).entrySet()) {
                ObjectNode body = valid.deepCopy();
                body.set(field, bad.getValue());
                expectRejected(t.method(), t.path(), sendable(body.toString()), field + " " + bad.getKey(), field);
            }
        });
        for (Spoil spoil : t.nested()) {
            ObjectNode body = valid.deepCopy();
            int slash = spoil.pointer().lastIndexOf('/');
            JsonNode parent = body.at(spoil.pointer().substring(0, slash));
            String name = spoil.pointer().substring(slash + 1);
            JsonNode value = json.readTree(spoil.json());
            if (parent instanceof ArrayNode array) {
                array.set(Integer.parseInt(name), value);
            } else {
                ((ObjectNode) parent).set(name, value);
            }
            String named = Arrays.stream(spoil.pointer().split("/")).filter(part -> !part.matches("\\d*"))
                    .reduce((first, second) -> second).orElse(null);
            expectRejected(t.method(), t.path(), sendable(body.toString()), spoil.what(), named);
        }
        // A key given twice: each field once more, ahead of the template's own.
        for (String field : t.fields().keySet()) {
            String twice = "{" + json.writeValueAsString(field) + ": " + valid.get(field) + ", " + t.body().strip()
                    .substring(1);
            expectRejected(t.method(), t.path(), twice, field + " given twice", field);
        }
    }

    /** The body as an attacker sends it: half a surrogate pair as its JSON escape (UTF-8 cannot carry it). */
    private static String sendable(String body) {
        StringBuilder sent = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < body.length() && Character.isLowSurrogate(body.charAt(i + 1))) {
                sent.append(c).append(body.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                sent.append(String.format("\\u%04x", (int) c));
            } else {
                sent.append(c);
            }
        }
        return sent.toString();
    }

    /** Values that are wrong for a field of this kind, by what is wrong with them. */
    private Map<String, JsonNode> wrongValues(Kind kind, JsonNode validValue) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (kind != Kind.OBJECT && kind != Kind.LIST) {
            values.put("as an object", Map.of("a", 1));
        }
        switch (kind) {
            case TEXT, ID -> {
                values.put("huge", "x".repeat(100_000));
                values.put("as a list", List.of("a"));
                values.put("with half a surrogate pair", "A" + LONE + "B");
                values.put("as a number", -1);
                values.put("as a boolean", true);
                if (kind == Kind.ID) {
                    values.put("with a control character", "R-\u0001");
                    values.put("with a tab", "R\t1");
                    values.put("with a C1 control character", "R\u0085");
                }
            }
            case INT, LONG -> {
                values.put("as text", "many");
                values.put("as digits in a string", "5");
                values.put("as a boolean", true);
                values.put("an empty string", "");
                values.put("huge", new java.math.BigInteger("9".repeat(40)));
                values.put("negative", -1);
                values.put("a float beyond double", new java.math.BigDecimal("1e400"));
                values.put("a fraction", new java.math.BigDecimal("1.5"));
                if (kind == Kind.INT) {
                    values.put("beyond an int", 4_294_967_296L);
                }
            }
            case DECIMAL -> {
                values.put("as text", "ten euros");
                values.put("huge", "9".repeat(60) + ".00");
                values.put("an exponent", "1e999999999");
                values.put("a huge number", new java.math.BigDecimal("1e400"));
                values.put("negative", "-1.00");
                values.put("too many decimals", "1.123456789");
                values.put("not a number", "NaN");
                values.put("an empty string", "");
                values.put("as a boolean", true);
            }
            case DATE -> {
                values.put("an impossible day", "2025-02-30");
                values.put("a month 13", "2025-13-01");
                values.put("as words", "yesterday");
                values.put("as a number", 20250101);
                values.put("in year 10000", "+10000-01-01");
                values.put("before year 0", "-0001-01-01");
                values.put("with a time", "2025-03-01T10:00:00Z");
                values.put("zero", 0);
                values.put("an empty list", List.of());
                values.put("as a list", List.of(2025, 3, 1));
                values.put("an empty string", "");
            }
            case INSTANT -> {
                values.put("an impossible day", "2025-02-30T10:00:00Z");
                values.put("without zone", "2025-03-01 10:00");
                values.put("as words", "now");
                values.put("in year 10000", "+10000-01-01T00:00:00Z");
                values.put("before year 0", "-0001-01-01T00:00:00Z");
                values.put("far beyond", "+1000000000-01-01T00:00:00Z");
                values.put("as a number", 0);
                values.put("a number beyond double", new java.math.BigDecimal("1e309"));
                values.put("as digits in a string", "1741757400");
                values.put("an empty list", List.of());
                values.put("an empty string", "");
                values.put("in nanoseconds", "2025-03-01T10:00:00.123456789Z");
            }
            case CODE -> {
                values.put("unknown", "SOMETHING_ELSE");
                values.put("huge", "X".repeat(100_000));
                values.put("as a number", 1);
                values.put("an empty string", "");
                values.put("as a boolean", true);
                values.put("with half a surrogate pair", "A" + LONE);
            }
            case BOOL -> {
                values.put("as a word", "maybe");
                values.put("an empty string", "");
                values.put("zero", 0);
                values.put("one", 1);
                values.put("the word true", "true");
                values.put("an empty list", List.of());
            }
            case OBJECT -> {
                values.put("as text", "text");
                values.put("as a list", List.of(1, 2));
                values.put("an empty list", List.of());
                values.put("an empty string", "");
                values.put("as a number", 1);
            }
            case LIST -> {
                values.put("as text", "text");
                values.put("an empty string", "");
                values.put("an empty object", Map.of());
                values.put("of numbers", List.of(1, 2));
                values.put("with a null", java.util.Collections.singletonList(null));
            }
            case CODES -> {
                values.put("as text", "text");
                values.put("an empty string", "");
                values.put("of numbers", List.of(1, 2));
                values.put("with a null", java.util.Collections.singletonList(null));
                List<Object> unknown = new ArrayList<>();
                validValue.forEach(v -> unknown.add(v.asString()));
                unknown.add("SOMETHING_ELSE");
                values.put("with an unknown code", unknown);
                values.put("with a huge code", List.of("X".repeat(100_000)));
            }
            case IDS -> {
                values.put("as text", "text");
                values.put("with a null", java.util.Collections.singletonList(null));
                values.put("with a huge id", List.of(LONG_ID));
                values.put("with an empty id", List.of(""));
                values.put("with a whitespace id", List.of("   "));
                values.put("with half a surrogate pair", List.of("R-" + LONE));
                values.put("with a control character", List.of("R-\u0001"));
                values.put("an empty string", "");
                values.put("with 70,000 ids", IntStream.range(0, 70_000).mapToObj(i -> "R-" + i).toList());
            }
        }
        Map<String, JsonNode> nodes = new LinkedHashMap<>();
        values.forEach((what, value) -> nodes.put(what, json.valueToTree(value)));
        return nodes;
    }

    /** Uploads of rule sets that must be refused before anything is stored. */
    private void badRuleSetUploads() {
        byte[] rule = "package rules.robust;\n".getBytes(StandardCharsets.UTF_8);
        for (String path : List.of("/api/v1/rule-sets/validate", "/api/v1/rule-sets")) {
            upload(path, "file", "escalation.xlsx", new byte[0], "an empty table");
            upload(path, "file", "extra.drl", new byte[0], "an empty rule file");
            upload(path, "file", "extra.drl", "  \n\t\n".getBytes(StandardCharsets.UTF_8), "a blank rule file");
            upload(path, "file", "set.zip", new byte[0], "an empty zip");
            upload(path, "file", "set.zip", "this is not a zip".getBytes(StandardCharsets.UTF_8), "not a zip");
            upload(path, "file", "set.zip", zip(Map.of("rules/bomb.drl", new byte[8 * 1024 * 1024])), "a zip bomb");
            upload(path, "file", "set.zip", zip(Map.of("../../evil.drl", rule)), "a zip leaving its folders");
            upload(path, "file", "set.zip", zip(Map.of("notes/readme.txt", rule)), "a zip of other files");
            upload(path, "file", "big.drl", new byte[10 * 1024 * 1024 + 1], "a file over the upload limit");
            upload(path, "file", "escalation.xlsm", "PK macro".getBytes(StandardCharsets.UTF_8),
                    "a macro-enabled workbook");
            upload(path, "file", "escalation.xlsx", "not a workbook".getBytes(StandardCharsets.UTF_8),
                    "a workbook that is not one");
            upload(path, "file", "notes.txt", rule, "a file of another kind");
            upload(path, "upload", "extra.drl", rule, "the wrong part name");
            upload(path, "file", null, rule, "a part without a file name");
            expectRejected("POST", path, "multipart/form-data; boundary=xyz",
                    "--abc\r\nnot a multipart body\r\n".getBytes(StandardCharsets.UTF_8), "a broken multipart body",
                    null);
            expectRejected("POST", path, "multipart/form-data",
                    "--abc\r\n".getBytes(StandardCharsets.UTF_8), "multipart without a boundary", null);
            expectRejected("POST", path, "{\"file\": \"rules\"}", "JSON instead of a form");
        }
        byte[] form = multipart(List.of(part("file", "robust.drl", rule), part("comment", null,
                "c".repeat(100_000).getBytes(StandardCharsets.UTF_8))));
        expectRejected("POST", "/api/v1/rule-sets", "multipart/form-data; boundary=" + BOUNDARY, form,
                "a comment of 100,000 characters", "comment");
    }

    /** Bulk imports that must be refused whole: the database keeps none of their rows. */
    private void badImports() {
        String customersHeader = "id,segment,country,timeZone\n";
        String invoicesHeader = "id,customerId,currency,amount,issueDate,dueDate,status\n";
        Map<String, String> customers = new LinkedHashMap<>();
        customers.put("an empty file", "");
        customers.put("an unknown column", "id,segment,country,timeZone,shoeSize\nI-1,CONSUMER,DE,Europe/Berlin,42\n");
        customers.put("an unknown segment", customersHeader + "IMP-1,ROBOT,DE,Europe/Berlin\n");
        customers.put("a huge id", customersHeader + LONG_ID + ",CONSUMER,DE,Europe/Berlin\n");
        customers.put("a whitespace id", customersHeader + "\"   \",CONSUMER,DE,Europe/Berlin\n");
        customers.put("an unterminated quote", customersHeader + "\"IMP-1,CONSUMER,DE,Europe/Berlin\n");
        customers.put("binary", new String(binary(), StandardCharsets.ISO_8859_1));
        Map<String, String> invoices = new LinkedHashMap<>();
        invoices.put("a due date in year 10000", invoicesHeader + "IMP-I-1,R-1,EUR,10.00,2025-01-01,+10000-01-01,OPEN\n");
        invoices.put("an issue date before year 0", invoicesHeader + "IMP-I-1,R-1,EUR,10.00,-0001-01-01,2025-01-01,OPEN\n");
        invoices.put("a huge amount", invoicesHeader + "IMP-I-1,R-1,EUR," + "9".repeat(60) + ",2025-01-01,2025-02-01,OPEN\n");
        invoices.put("an amount with an exponent", invoicesHeader + "IMP-I-1,R-1,EUR,1e999999999,2025-01-01,2025-02-01,OPEN\n");
        invoices.put("an unknown status", invoicesHeader + "IMP-I-1,R-1,EUR,10.00,2025-01-01,2025-02-01,LOST\n");
        invoices.put("an unknown customer", invoicesHeader + "IMP-I-1,R-UNKNOWN,EUR,10.00,2025-01-01,2025-02-01,OPEN\n");
        for (var kind : Map.of("customers", customers, "invoices", invoices).entrySet()) {
            String path = "/api/v1/import/" + kind.getKey();
            kind.getValue().forEach((what, csv) -> {
                byte[] bytes = csv.getBytes(what.equals("binary") ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
                expectRejected("POST", path, "text/csv", bytes, kind.getKey() + " as CSV body: " + what, null);
                upload(path, "file", kind.getKey() + ".csv", bytes, kind.getKey() + " as a form: " + what);
            });
            upload(path, "upload", "x.csv", customersHeader.getBytes(StandardCharsets.UTF_8), "the wrong part name");
        }
        expectRejected("POST", "/api/v1/import/robots", "text/csv",
                customersHeader.getBytes(StandardCharsets.UTF_8), "an unknown kind of import", null);
        expectRejected("POST", "/api/v1/import/" + LONG_ID, "text/csv",
                customersHeader.getBytes(StandardCharsets.UTF_8), "a huge kind of import", null);
        expectRejected("POST", "/api/v1/import/customers", "text/plain",
                customersHeader.getBytes(StandardCharsets.UTF_8), "plain text", null);
    }

    private static byte[] binary() {
        byte[] bytes = new byte[4096];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        return bytes;
    }

    static final String BOUNDARY = "robustness-boundary-7d3f";

    record Part(String name, String filename, byte[] content) {}

    private static Part part(String name, String filename, byte[] content) {
        return new Part(name, filename, content);
    }

    private void upload(String path, String partName, String filename, byte[] content, String what) {
        expectRejected("POST", path, "multipart/form-data; boundary=" + BOUNDARY,
                multipart(List.of(part(partName, filename, content))), what, null);
    }

    private static byte[] multipart(List<Part> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part p : parts) {
            String head = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + p.name() + "\""
                    + (p.filename() == null ? "" : "; filename=\"" + p.filename() + "\"")
                    + (p.filename() == null ? "" : "\r\nContent-Type: application/octet-stream") + "\r\n\r\n";
            out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
            out.writeBytes(p.content());
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (var e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private void expectRejected(String method, String path, String body, String what) {
        expectRejected(method, path, body, what, null);
    }

    private void expectRejected(String method, String path, String body, String what, String field) {
        expectRejected(method, path, body == null ? null : "application/json",
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), what, field);
    }

    /**
     * Sends the request and records a failure unless the answer is a 4xx problem+json with a type, title, detail and
     * trace id that shows no internals and, for a spoilt field, names it; and unless the database is as it was.
     */
    private void expectRejected(String method, String path, String contentType, byte[] body, String what,
            String field) {
        requests++;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        String where = method + " " + shorten(path) + " (" + what + "): ";
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            failures.add(where + "no answer: " + e);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        int status = response.statusCode();
        if (status < 400 || status >= 500) {
            failures.add(where + status + " " + shorten(response.body()));
        } else if (!response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
            failures.add(where + status + " without problem+json: " + shorten(response.body()));
        } else {
            JsonNode problem = json.readTree(response.body());
            if (!problem.hasNonNull("type") || !problem.hasNonNull("title") || !problem.hasNonNull("detail")
                    || !problem.hasNonNull("traceId")) {
                failures.add(where + "problem without type, title, detail or traceId: " + shorten(response.body()));
            }
            String text = response.body().toLowerCase();
            if (text.contains("exception") || text.contains("sql") || text.contains("\tat ")
                    || text.contains("jackson") || text.contains("java.")) {
                failures.add(where + "the problem shows internals: " + shorten(response.body()));
            }
            if (field != null && status == 400 && !problem.path("detail").asString("").contains(field)) {
                failures.add(where + "the problem does not name the field " + field + ": " + shorten(response.body()));
            }
        }
        String now = checksum();
        if (!now.equals(checksum)) {
            failures.add(where + "changed the database: " + difference(checksum, now));
            checksum = now;
        }
    }

    private static String difference(String before, String after) {
        List<String> a = List.of(before.split(";"));
        return Arrays.stream(after.split(";")).filter(t -> !a.contains(t)).map(t -> t.substring(0, t.indexOf('=')))
                .collect(Collectors.joining(", "));
    }

    private static String shorten(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    private Seeded seed() {
        send("PUT", "/api/v1/customers/R-1", """
                {"segment": "CONSUMER", "country": "DE", "timeZone": "Europe/Berlin", "currency": "EUR",
                 "email": "r1@example.com"}""");
        send("PUT", "/api/v1/customers/R-2", """
                {"segment": "CONSUMER", "country": "DE", "timeZone": "Europe/Berlin", "currency": "EUR"}""");
        send("PUT", "/api/v1/invoices/R-INV-1", """
                {"customerId": "R-1", "currency": "EUR", "amount": "10.00", "issueDate": "2025-01-01",
                 "dueDate": "2025-02-01"}""");
        long holdId = json.readTree(send("POST", "/api/v1/customers/R-1/holds", """
                {"kind": "PROMISE_TO_PAY", "from": "2025-03-01", "until": "2025-03-30"}""")).get("id").asLong();
        long contactId = json.readTree(send("POST", "/api/v1/customers/R-1/contacts", """
                {"at": "2025-03-01T10:00:00Z", "channel": "EMAIL", "action": "REMINDER", "stage": 1,
                 "outcome": "SENT", "reference": "seed"}""")).get("id").asLong();
        String awaiting = outboxEntry("COLLECTION_HANDOVER", "NONE", "COLLECTION_HANDOVER", "AWAITING_APPROVAL", null);
        String sent = outboxEntry("REMINDER", "EMAIL", "EMAIL", "SENT", contactId);
        String dead = outboxEntry("REMINDER", "EMAIL", "EMAIL", "DEAD", null);
        long runId = json.readTree(send("POST", "/api/v1/runs", """
                {"asOf": "2025-03-12T10:00:00Z", "mode": "dry-run"}""")).get("id").asLong();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                json.readTree(send("GET", "/api/v1/runs/" + runId, null)).path("status").asString().equals("completed"));
        String version = json.readTree(send("GET", "/api/v1/rule-set", null)).get("version").asString();
        long keyId = json.readTree(send("POST", "/api/v1/api-keys", """
                {"name": "robust-victim", "roles": ["AUDITOR"]}""")).path("details").get("id").asLong();
        long endedTestId = challengerTest(version, "STOPPED");
        long testId = challengerTest(version, "PROPOSED");
        return new Seeded(holdId, awaiting, sent, dead, runId, version, keyId, testId, endedTestId);
    }

    /** A champion/challenger test as stored: no valid one can be proposed here without a second rule-set version. */
    private long challengerTest(String version, String status) {
        jdbc.sql("INSERT INTO challenger_tests (champion_version, challenger_version, share_bp, salt, status, "
                + "proposed_by, proposed_at) VALUES (?, ?, 1000, 'robust-salt', ?, 'robust-seed', UTC_TIMESTAMP(6))")
                .params(version, version, status).update();
        return jdbc.sql("SELECT MAX(id) FROM challenger_tests").query(Long.class).single();
    }

    private String outboxEntry(String action, String channel, String route, String status, Long contactId) {
        String id = UUID.randomUUID().toString();
        jdbc.sql("""
                INSERT INTO outbox (decision_id, customer_id, action, channel, route, tone, stage, template, decision,
                    status, not_before, due_at, attempts, recipient, contact_id, created_at, updated_at, sent_at)
                VALUES (?, 'R-1', ?, ?, ?, 'FIRM', 2, 'robust', '{}', ?, '2025-03-12 10:00:00', '2025-03-12 10:00:00',
                    0, 'r1@example.com', ?, '2025-03-12 10:00:00', '2025-03-12 10:00:00', NULL)""")
                .params(id, action, channel, route, status, contactId).update();
        return id;
    }

    private String activeKeyName() {
        return jdbc.sql("SELECT name FROM api_keys WHERE revoked_at IS NULL AND name = 'robust-victim'")
                .query(String.class).single();
    }

    private String send(String method, String path, String body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            HttpResponse<String> response = http.send(request.method(method, body == null
                    ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 202);
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every table's checksum except the migration history; the API keys without their last-used time, which the test's
     * own key moves (at most once a minute).
     */
    private String checksum() {
        long started = System.nanoTime();
        try {
            return tableChecksums();
        } finally {
            checksumNanos += System.nanoTime() - started;
        }
    }

    private String tableChecksums() {
        List<String> tables = jdbc.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
                        + "AND table_type = 'BASE TABLE' AND table_name NOT IN ('flyway_schema_history', 'api_keys') "
                        + "ORDER BY table_name").query(String.class).list();
        String keys = jdbc.sql("SELECT CONCAT(COUNT(*), '/', COALESCE(SUM(CRC32(CONCAT_WS('|', id, name, key_hash, "
                + "roles, created_at, created_by, revoked_at, revoked_by))), 0)) FROM api_keys")
                .query(String.class).single();
        return jdbc.sql("CHECKSUM TABLE " + String.join(", ", tables))
                .query((rs, n) -> rs.getString(1) + "=" + rs.getString(2)).list().stream()
                .collect(Collectors.joining(";")) + ";api_keys=" + keys;
    }

    private static Map<String, Kind> fields(Object... pairs) {
        Map<String, Kind> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], (Kind) pairs[i + 1]);
        }
        return map;
    }
}
