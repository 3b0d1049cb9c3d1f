package dev.dunning.audit;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.database.TestDatabase;
import dev.dunning.decision.TraceEntry;
import dev.dunning.facts.FactsService;
import dev.dunning.rules.ActiveRuleSet;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Reading the log over real HTTP in a database of its own, filled with decisions made through the real endpoints
 * (inline facts and stored customers): every filter selects exactly the decisions it should, paging visits each
 * decision once in order while others are being added, the explanation names the rows and rules that fired, and the
 * firing statistics match counts taken independently from the answers the callers received.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditReadingIT {

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        TestDatabase.Connection db = TestDatabase.freshDatabase("audit_reading");
        db.register(registry);
    }

    static final String AS_OF = "2025-03-12T05:30:00Z";

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    @Autowired
    FactsService facts;

    @Autowired
    AuditRecords records;

    @Autowired
    AuditLog auditLog;

    @Autowired
    ActiveRuleSet active;

    final HttpClient http = HttpClient.newHttpClient();

    /** Every decision made by this class's setup, in the order made (which is chain order), as answered. */
    final List<JsonNode> made = new ArrayList<>();
    final Map<String, String> entryPointOf = new HashMap<>();
    Instant start;
    Instant middle;
    Instant end;
    String storedCustomer;

    /** A reminder by email (the documented example) for the given customer id. */
    static String reminder(String customerId) {
        return inline(customerId, "\"EMAIL\": true, \"SMS\": false, \"PHONE\": true, \"LETTER\": true", "2025-03-05",
                "[]", "[]");
    }

    /** A reminder by SMS: the customer has not consented to email. */
    static String smsOnly(String customerId) {
        return inline(customerId, "\"EMAIL\": false, \"SMS\": true, \"PHONE\": false, \"LETTER\": true", "2025-03-05",
                "[]", "[]");
    }

    /** Paused: the only invoice is disputed. */
    static String disputed(String customerId) {
        return inline(customerId, "\"EMAIL\": true, \"SMS\": false, \"PHONE\": true, \"LETTER\": true", "2025-03-05",
                "[]", "[{\"kind\": \"DISPUTE\", \"invoiceId\": \"I-1\", \"from\": \"2025-03-01\", \"until\": null}]");
    }

    /**
     * 15 days overdue and reminded 3 days ago: the ladder row proposes the second reminder, and the DRL rule "Wide
     * intervals between contacts" (INT-01) holds it back: a decision made by a table row and a DRL rule together.
     */
    static String remindedRecently(String customerId) {
        return inline(customerId, "\"EMAIL\": true, \"SMS\": false, \"PHONE\": true, \"LETTER\": true", "2025-02-25",
                "[{\"at\": \"2025-03-09T05:30:00Z\", \"channel\": \"EMAIL\", \"action\": \"REMINDER\", \"stage\": 1,"
                        + " \"outcome\": \"DELIVERED\"}]", "[]");
    }

    static String inline(String customerId, String consents, String dueDate, String contacts, String holds) {
        return """
                {"asOf": "%s",
                 "customer": {"id": "%s", "segment": "CONSUMER", "country": "US", "language": "en",
                   "timeZone": "America/Los_Angeles", "currency": "USD", "riskScore": 40, "tenureMonths": 18,
                   "consents": {%s}, "doNotContact": false, "vulnerable": false, "thirdPartyCollection": true},
                 "invoices": [{"id": "I-1", "number": "2025-0001", "currency": "USD", "amount": "120.00",
                   "amountPaid": "0.00", "issueDate": "2025-01-15", "dueDate": "%s", "status": "OPEN",
                   "paymentMethod": "CARD", "failedAttempts": 0}],
                 "contacts": %s, "holds": %s}
                """.formatted(AS_OF, customerId, consents, dueDate, contacts, holds);
    }

    @BeforeAll
    void makeDecisions() throws Exception {
        start = Instant.now();
        for (int i = 0; i < 3; i++) {
            evaluate(reminder("R-" + i));
        }
        evaluate(smsOnly("S-1"));
        evaluate(disputed("D-1"));
        storedCustomer = "ST-1";
        facts.upsertCustomer(aCustomer().id(storedCustomer).consumer().in("DE", "Europe/Berlin", "EUR").build());
        facts.upsertInvoice(storedCustomer, anInvoice().id("ST-1-I1").amount("EUR", "120.00").due("2025-03-05").build());
        decide(storedCustomer, "2025-03-17T15:00:00Z");
        Thread.sleep(5);
        middle = Instant.now();
        Thread.sleep(5);
        evaluate(remindedRecently("W-1"));
        evaluate(reminder("R-0"));
        decide(storedCustomer, "2025-03-18T15:00:00Z");
        evaluate(disputed("D-2"));
        Thread.sleep(5);
        end = Instant.now(); // decisions of the tests themselves come after it
    }

    @Test
    void everyFilterSelectsExactlyTheDecisionsItShould() throws Exception {
        assertFilter("customerId=R-0", d -> customer(d).equals("R-0"));
        assertFilter("customerId=nobody", d -> false);
        assertFilter("action=HOLD", d -> action(d).equals("HOLD"));
        assertFilter("action=FINAL_NOTICE", d -> false);
        assertFilter("channel=SMS", d -> d.get("channel").asString().equals("SMS"));
        assertFilter("channel=LETTER", d -> false);
        assertFilter("entryPoint=decide", d -> entryPointOf.get(id(d)).equals("decide"));
        assertFilter("entryPoint=evaluate", d -> entryPointOf.get(id(d)).equals("evaluate"));
        assertFilter("entryPoint=run", d -> false);
        assertFilter("from=" + middle, d -> made.indexOf(d) >= 6);
        assertFilter("to=" + middle, d -> made.indexOf(d) < 6);
        assertFilter("from=" + start + "&to=" + middle + "&action=REMINDER",
                d -> made.indexOf(d) < 6 && action(d).equals("REMINDER"));
        assertFilter("from=" + end + "&to=" + end.plusSeconds(3600) + "&customerId=R-0", d -> false);
        String version = made.get(0).get("ruleSetVersion").asString();
        assertFilter("ruleSetVersion=" + version, d -> true);
        assertFilter("ruleSetVersion=" + "0".repeat(64), d -> false);
        assertFilter("ruleName=" + enc("Wide intervals between contacts"),
                d -> firedRules(d).contains("Wide intervals between contacts"));
        String ladderRow = made.get(0).get("trace").get(0).get("rule").asString();
        assertFilter("ruleName=" + enc(ladderRow), d -> firedRules(d).contains(ladderRow));
        assertFilter("ruleName=" + enc("No such rule"), d -> false);
        assertFilter("customerId=R-0&action=REMINDER&channel=EMAIL&entryPoint=evaluate&ruleName=" + enc(ladderRow),
                d -> customer(d).equals("R-0") && firedRules(d).contains(ladderRow));
        // The policy reference a credit controller writes in a table row (or a DRL rule's @policy), not Drools' name.
        String ladderPolicy = made.get(0).get("trace").get(0).get("metadata").get("policy").asString();
        assertThat(ladderPolicy).startsWith("ESC-");
        assertFilter("policy=" + enc(ladderPolicy), d -> policies(d).contains(ladderPolicy));
        assertFilter("policy=INT-01", d -> policies(d).contains("INT-01"));
        assertFilter("policy=+INT-01+", d -> policies(d).contains("INT-01"));
        assertFilter("policy=int-01", d -> policies(d).contains("INT-01"));
        assertFilter("policy=NO-SUCH-REF", d -> false);
        assertFilter("policy=INT-01&customerId=R-0", d -> false);
        assertFilter("action=REMINDER&entryPoint=evaluate&policy=" + enc(ladderPolicy),
                d -> action(d).equals("REMINDER") && entryPointOf.get(id(d)).equals("evaluate")
                        && policies(d).contains(ladderPolicy));
        // Sanity of the fixture: the positive cases above selected something and left something out.
        assertThat(made.stream().filter(d -> action(d).equals("HOLD"))).hasSize(2);
        assertThat(made.stream().filter(d -> d.get("channel").asString().equals("SMS"))).hasSize(1);
        assertThat(made.stream().filter(d -> firedRules(d).contains("Wide intervals between contacts"))).hasSize(1);
        assertThat(made.stream().filter(d -> policies(d).contains(ladderPolicy)).count())
                .as("the ladder's reference selects some decisions and leaves others").isBetween(1L, made.size() - 1L);
        assertThat(made.stream().filter(d -> policies(d).contains("INT-01"))).hasSize(1);
    }

    /**
     * A reference names a row under the versions in which the row carried it: when a later version gives the same row
     * (the same rule name) another reference, its decisions are found by the new reference and not by the old one,
     * though the rule's name still finds both. Such a search pages by keyset like every other.
     */
    @Test
    void aPolicyReferenceFindsTheRowsThatCarriedItUnderEachVersion() throws Exception {
        JsonNode original = made.get(0);
        JsonNode ladder = original.get("trace").get(0);
        String rule = ladder.get("rule").asString();
        String oldPolicy = ladder.get("metadata").get("policy").asString();
        String newPolicy = "MOVED-" + Long.toString(System.nanoTime(), 36);
        String laterVersion = "e".repeat(64);
        Instant from = Instant.now();
        String underOld = append(original, original.get("ruleSetVersion").asString(), oldPolicy);
        List<String> underNew = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            underNew.add(0, append(original, laterVersion, newPolicy));
        }
        String range = "&from=" + from + "&to=" + Instant.now().plusSeconds(1);

        assertThat(ids("/api/v1/audit/decisions?policy=" + enc(oldPolicy) + range)).containsExactly(underOld);
        assertThat(ids("/api/v1/audit/decisions?policy=" + enc(newPolicy) + range))
                .containsExactlyElementsOf(underNew);
        assertThat(ids("/api/v1/audit/decisions?ruleName=" + enc(rule) + range)).containsExactlyElementsOf(
                java.util.stream.Stream.concat(underNew.stream(), java.util.stream.Stream.of(underOld)).toList());
        assertThat(ids("/api/v1/audit/decisions?policy=" + enc(newPolicy) + "&ruleSetVersion="
                + original.get("ruleSetVersion").asString() + range)).isEmpty();

        // Paged two at a time: each decision once, newest first, and the last page says there is no next one.
        List<String> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = json.readTree(get("/api/v1/audit/decisions?policy=" + enc(newPolicy) + "&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor)).body());
            page.get("decisions").forEach(d -> paged.add(d.get("decisionId").asString()));
            cursor = page.get("next").isNull() ? null : page.get("next").asString();
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(2);
        assertThat(paged).containsExactlyElementsOf(underNew);
    }

    /**
     * Records a copy of an answered decision, as the audit writer would record it under {@code version} with its first
     * fired rule carrying {@code policy}; returns the copy's decision id.
     */
    private String append(JsonNode answered, String version, String policy) {
        tools.jackson.databind.node.ObjectNode copy = (tools.jackson.databind.node.ObjectNode) answered.deepCopy();
        String id = com.github.f4b6a3.uuid.UuidCreator.getTimeOrderedEpoch().toString();
        copy.put("decisionId", id).put("customerId", "MOVED").put("ruleSetVersion", version);
        ((tools.jackson.databind.node.ObjectNode) copy.get("trace").get(0).get("metadata")).put("policy", policy);
        List<TraceEntry> trace = new ArrayList<>();
        copy.get("trace").forEach(t -> trace.add(json.treeToValue(t, TraceEntry.class)));
        auditLog.append(new AuditEntry(id, Instant.parse(AS_OF), "MOVED", "test", "evaluate", version,
                active.get().sources(), copy.get("action").asString(), copy.get("channel").asString(),
                copy.get("tone").asString(), trace, copy, json.readTree(reminder("MOVED"))));
        return id;
    }

    private List<String> ids(String path) throws Exception {
        HttpResponse<String> response = get(path + "&limit=500");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        json.readTree(response.body()).get("decisions").forEach(d -> ids.add(d.get("decisionId").asString()));
        return ids;
    }

    @Test
    void misspeltFiltersAreRefusedWithTheirNames() throws Exception {
        HttpResponse<String> bad = get("/api/v1/audit/decisions?action=REMINDR&channel=FAX&entryPoint=batch"
                + "&ruleSetVersion=abc&cursor=xyz&from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        List<String> fields = new ArrayList<>();
        json.readTree(bad.body()).get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).containsExactlyInAnyOrder("action", "channel", "entryPoint", "ruleSetVersion", "cursor",
                "to");
        assertThat(bad.body()).contains("use one of NO_ACTION");
        assertThat(get("/api/v1/audit/decisions?limit=501").statusCode()).isEqualTo(400);
        assertThat(get("/api/v1/audit/export?format=xml").statusCode()).isEqualTo(400);
    }

    @Test
    void aFilterThatIsNotAnInstantIsRefusedWithItsNameOnEveryEndpoint() throws Exception {
        for (String path : List.of("/api/v1/audit/decisions?from=yesterday&action=HOLD",
                "/api/v1/audit/export?format=csv&from=yesterday", "/api/v1/audit/rule-stats?from=yesterday")) {
            HttpResponse<String> bad = get(path);
            assertThat(bad.statusCode()).as(path).isEqualTo(400);
            JsonNode errors = json.readTree(bad.body()).get("errors");
            assertThat(errors).as(bad.body()).hasSize(1);
            assertThat(errors.get(0).get("field").asString()).isEqualTo("from");
            assertThat(errors.get(0).get("message").asString())
                    .isEqualTo("\"yesterday\" is not an instant such as 2025-03-12T05:30:00Z");
        }
        HttpResponse<String> tooEarly = get("/api/v1/audit/decisions?to=2025-03-01T00:00:00Z&from=2025-03-01T00:00:00Z"
                + "&customerId=" + "C".repeat(65) + "&ruleName=" + "r".repeat(201) + "&policy=" + "P".repeat(101)
                + "&cursor=xyz&limit=500");
        assertThat(tooEarly.statusCode()).isEqualTo(400);
        List<String> messages = new ArrayList<>();
        json.readTree(tooEarly.body()).get("errors").forEach(e -> messages.add(e.get("field").asString() + ": "
                + e.get("message").asString()));
        assertThat(messages).containsExactly(
                "to: the end of the range 2025-03-01T00:00:00Z is not after its start 2025-03-01T00:00:00Z (from is "
                        + "inclusive, to exclusive)",
                "customerId: a customer id has at most 64 characters",
                "ruleName: a rule name has at most 200 characters",
                "policy: a policy reference has at most 100 characters; give it as a table row's policy cell or a "
                        + "DRL rule's @policy names it, such as ESC-C2",
                "cursor: \"xyz\" is not a cursor this service gave out; pass the \"next\" value of the previous page "
                        + "unchanged, or leave it out for the first page");
    }

    @Test
    void pagingVisitsEveryDecisionOnceNewestFirstWhileOthersAreAdded() throws Exception {
        String customer = "PAGE-1";
        List<String> before = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            before.add(id(evaluate(reminder(customer))));
        }
        List<String> expected = new ArrayList<>(before);
        java.util.Collections.reverse(expected);

        List<String> seen = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        List<String> added = new ArrayList<>();
        try {
            String cursor = null;
            int pages = 0;
            do {
                JsonNode page = json.readTree(get("/api/v1/audit/decisions?customerId=" + customer + "&limit=5"
                        + (cursor == null ? "" : "&cursor=" + cursor)).body());
                page.get("decisions").forEach(d -> {
                    seen.add(d.get("decisionId").asString());
                    seqs.add(d.get("seq").asLong());
                });
                cursor = page.get("next").isNull() ? null : page.get("next").asString();
                pages++;
                if (pages == 1) {
                    // Decisions for the same customer arrive while the auditor is paging.
                    Future<List<String>> more = writer.submit(() -> {
                        List<String> ids = new ArrayList<>();
                        for (int i = 0; i < 4; i++) {
                            ids.add(id(evaluate(reminder(customer))));
                        }
                        return ids;
                    });
                    added.addAll(more.get());
                }
            } while (cursor != null);
            assertThat(pages).isEqualTo(5);
        } finally {
            writer.shutdownNow();
        }

        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(seqs).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(new HashSet<>(seen)).doesNotContainAnyElementsOf(added);
        // A fresh first page starts with the newcomers, newest first.
        JsonNode fresh = json.readTree(get("/api/v1/audit/decisions?customerId=" + customer + "&limit=4").body());
        List<String> top = new ArrayList<>();
        fresh.get("decisions").forEach(d -> top.add(d.get("decisionId").asString()));
        java.util.Collections.reverse(added);
        assertThat(top).containsExactlyElementsOf(added);
    }

    @Test
    void theExplanationNamesTheTableRowsAndTheDrlRuleThatDecided() throws Exception {
        JsonNode waited = made.stream().filter(d -> customer(d).equals("W-1")).findFirst().orElseThrow();
        HttpResponse<String> response = get("/api/v1/decisions/" + id(waited) + "/explanation");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode explanation = json.readTree(response.body());
        String text = explanation.get("text").asString();

        assertThat(text).startsWith("No action (stage 1) for customer W-1");
        // Every fired rule of the stored trace is named with its file, its sheet and row or line, and its policy.
        for (JsonNode t : waited.get("trace")) {
            String policy = t.get("metadata").path("policy").asString(null);
            StringBuilder where = new StringBuilder(t.get("source").asString());
            if (!t.get("sheet").isNull()) {
                where.append(", sheet ").append(t.get("sheet").asString()).append(", row ").append(t.get("row").asInt());
            } else {
                where.append(", line ").append(t.get("line").asInt());
            }
            if (policy != null) {
                where.append(", policy ").append(policy);
            }
            assertThat(text).contains(t.get("rule").asString() + " (" + where + ")");
        }
        assertThat(text).contains("decision-tables/escalation.xlsx, sheet Ladder, row ");
        assertThat(text).contains("Wide intervals between contacts (rules/constraints.drl, line 22, policy INT-01)");
        JsonNode drl = null;
        JsonNode ladder = null;
        for (JsonNode r : explanation.get("reasons")) {
            if ("Wide intervals between contacts".equals(r.path("rule").asString(null))) {
                drl = r;
            }
            if ("Ladder".equals(r.path("sheet").asString(null))) {
                ladder = r;
            }
        }
        assertThat(drl).isNotNull();
        assertThat(drl.get("kind").asString()).isEqualTo("rule");
        assertThat(drl.get("source").asString()).isEqualTo("rules/constraints.drl");
        assertThat(drl.get("line").asInt()).isEqualTo(22);
        assertThat(drl.get("policy").asString()).isEqualTo("INT-01");
        assertThat(ladder).isNotNull();
        assertThat(ladder.get("source").asString()).isEqualTo("decision-tables/escalation.xlsx");
        assertThat(ladder.get("row").asInt()).isPositive();
        assertThat(ladder.get("policy").asString()).startsWith("ESC-");
        // Matches that changed nothing are named as overridden, with their rows.
        assertThat(text).contains("Matched but overridden by an earlier match");
        for (JsonNode t : waited.get("trace")) {
            if (t.get("overridden").asBoolean()) {
                assertThat(text.substring(text.indexOf("Matched but overridden"))).contains(t.get("rule").asString()
                        + " (" + t.get("source").asString() + ", sheet " + t.get("sheet").asString());
            }
        }
        assertThat(explanation.get("reasons").findValuesAsString("kind")).contains("overridden");
        // The decision's own reasons come first, word for word.
        assertThat(explanation.get("reasons").get(0).get("kind").asString()).isEqualTo("reason");
        assertThat(text).contains(waited.get("reasons").get(0).asString());

        HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create(url("/api/v1/decisions/"
                + id(waited) + "/explanation"))).header("Accept", "text/plain").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(plain.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(plain.body().strip()).isEqualTo(text);
        assertThat(get("/api/v1/decisions/no-such-decision/explanation").statusCode()).isEqualTo(404);
    }

    @Test
    void theExplanationSaysWhyAChannelWasNotUsed() throws Exception {
        JsonNode sms = made.stream().filter(d -> customer(d).equals("S-1")).findFirst().orElseThrow();
        String text = json.readTree(get("/api/v1/decisions/" + id(sms) + "/explanation").body()).get("text")
                .asString();
        assertThat(text).startsWith("Reminder by SMS in a friendly tone");
        assertThat(text).contains("EMAIL (no consent)");
        assertThat(text).contains("decision-tables/channels.xlsx, sheet Channels, row ");
    }

    @Test
    void ruleStatisticsMatchAnIndependentCountAndListRulesThatNeverFired() throws Exception {
        JsonNode report = json.readTree(get("/api/v1/audit/rule-stats?from=" + start + "&to=" + end).body());
        String version = made.get(0).get("ruleSetVersion").asString();
        JsonNode ruleSet = json.readTree(get("/api/v1/rule-set").body());
        assertThat(report.get("versions")).hasSize(1);
        JsonNode v = report.get("versions").get(0);
        assertThat(v.get("ruleSetVersion").asString()).isEqualTo(version);
        assertThat(v.get("rulesListedFrom").asString()).isEqualTo(RuleStatistics.FROM_ACTIVE_RULE_SET);
        assertThat(v.get("decisions").asLong()).isEqualTo(decisionsIn(start, end).size());
        assertThat(v.get("rules")).hasSize(ruleSet.get("ruleCount").asInt());

        // Independently: from the answers the callers got, firings and decisions per rule.
        Map<String, long[]> expected = new LinkedHashMap<>();
        for (JsonNode d : decisionsIn(start, end)) {
            Set<String> inThis = new HashSet<>();
            for (JsonNode t : d.get("trace")) {
                long[] c = expected.computeIfAbsent(t.get("rule").asString(), k -> new long[3]);
                c[0]++;
                if (inThis.add(t.get("rule").asString())) {
                    c[1]++;
                }
                if (t.get("overridden").asBoolean()) {
                    c[2]++;
                }
            }
        }
        Map<String, long[]> reported = new LinkedHashMap<>();
        int neverFired = 0;
        for (JsonNode r : v.get("rules")) {
            if (r.get("firings").asLong() == 0) {
                neverFired++;
                assertThat(r.get("decisions").asLong()).isZero();
                assertThat(r.get("source").asString()).isNotBlank();
                continue;
            }
            reported.put(r.get("rule").asString(), new long[] {r.get("firings").asLong(), r.get("decisions").asLong(),
                r.get("overridden").asLong()});
        }
        assertThat(reported.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((rule, c) -> assertThat(reported.get(rule)).as(rule).containsExactly(c));
        assertThat(neverFired).isEqualTo(ruleSet.get("ruleCount").asInt() - expected.size()).isPositive();

        // A range with only the later decisions counts only those.
        JsonNode later = json.readTree(get("/api/v1/audit/rule-stats?from=" + middle + "&to=" + end
                + "&ruleSetVersion=" + version)
                .body()).get("versions").get(0);
        assertThat(later.get("decisions").asLong()).isEqualTo(decisionsIn(middle, end).size());
        long intervalFirings = 0;
        for (JsonNode r : later.get("rules")) {
            if (r.get("rule").asString().equals("Wide intervals between contacts")) {
                intervalFirings = r.get("firings").asLong();
                assertThat(r.get("source").asString()).isEqualTo("rules/constraints.drl");
                assertThat(r.get("line").asInt()).isEqualTo(22);
                assertThat(r.get("policy").asString()).isEqualTo("INT-01");
            }
        }
        assertThat(intervalFirings).isEqualTo(1);
        // An unknown version: reported, with nothing counted and no rules known.
        JsonNode unknown = json.readTree(get("/api/v1/audit/rule-stats?ruleSetVersion=" + "1".repeat(64)).body())
                .get("versions").get(0);
        assertThat(unknown.get("decisions").asLong()).isZero();
        assertThat(unknown.get("rulesListedFrom").asString()).isEqualTo(RuleStatistics.FROM_LOG);
        assertThat(unknown.get("rules")).isEmpty();
    }

    /** The decisions of the setup (the paging test adds more, later, for a customer of its own). */
    private List<JsonNode> decisionsIn(Instant from, Instant to) {
        return from.equals(middle) ? made.subList(6, made.size()) : made;
    }

    private void assertFilter(String query, Predicate<JsonNode> selects) throws Exception {
        List<String> expected = new ArrayList<>();
        for (int i = made.size() - 1; i >= 0; i--) {
            if (selects.test(made.get(i))) {
                expected.add(id(made.get(i)));
            }
        }
        // Bounded to the setup's range, so that decisions of the paging test do not count.
        String bounded = query.contains("to=") ? query : query + "&to=" + end;
        if (!query.contains("from=")) {
            bounded += "&from=" + start;
        }
        HttpResponse<String> response = get("/api/v1/audit/decisions?" + bounded + "&limit=500");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> got = new ArrayList<>();
        json.readTree(response.body()).get("decisions").forEach(d -> got.add(d.get("decisionId").asString()));
        assertThat(got).as(query).containsExactlyElementsOf(expected);
    }

    private JsonNode evaluate(String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url("/api/v1/decisions/evaluate")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode d = json.readTree(response.body());
        remember(d, "evaluate");
        return d;
    }

    private void decide(String customerId, String asOf) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url("/api/v1/decisions")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"customerId\": \"" + customerId + "\", \"asOf\": \"" + asOf
                        + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        remember(json.readTree(response.body()), "decide");
    }

    private synchronized void remember(JsonNode d, String entryPoint) {
        if (!customer(d).startsWith("PAGE-")) {
            made.add(d);
        }
        entryPointOf.put(id(d), entryPoint);
    }

    private static List<String> firedRules(JsonNode d) {
        List<String> rules = new ArrayList<>();
        d.get("trace").forEach(t -> rules.add(t.get("rule").asString()));
        return rules;
    }

    /** The policy references of the rules that fired, overridden ones included (as the rule-name filter counts). */
    private static List<String> policies(JsonNode d) {
        List<String> policies = new ArrayList<>();
        d.get("trace").forEach(t -> policies.add(t.path("metadata").path("policy").asString(null)));
        return policies;
    }

    private static String id(JsonNode d) {
        return d.get("decisionId").asString();
    }

    private static String customer(JsonNode d) {
        return d.get("customerId").asString();
    }

    private static String action(JsonNode d) {
        return d.get("action").asString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
