package dev.dunning.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Valid but unusual text is stored exactly and chained exactly (issue 16): what the audit chain hashes and what the
 * columns hold are the same characters, byte for byte, for every column of the audit record, so verification stays
 * intact. The text covers what a careless encoding loses: characters beyond U+FFFF (4 bytes in UTF-8), combining
 * marks, right-to-left marks, unusual white space, and ids at their maximum length.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ExactStorageIT {

    /** Text columns that hold what callers send; each must take any Unicode character (4 bytes in UTF-8). */
    static final List<String> TABLES = List.of("customers", "invoices", "payments", "payment_failures",
            "contact_attempts", "holds", "audit_records", "audit_facts", "outbox");

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    @Autowired
    JdbcClient jdbc;

    /** Unusual text as an id may hold it: a line separator (U+2028) is a line break, which no id may hold. */
    static String trickyId(String prefix, int length) {
        return tricky(prefix, length).replace('\u2028', '\u2009');
    }

    static String tricky(String prefix, int length) {
        String unusual = "\uD83D\uDE00" // 😀, beyond U+FFFF
                + "e\u0301" // e and a combining acute accent (not the precomposed é)
                + "\u200F\u05E9\u05DC\u05D5\u05DD\u200E" // right-to-left mark, Hebrew, left-to-right mark
                + "\u00A0\u2003\u3000\u2028" // no-break, em and ideographic space, line separator
                + "\uD800\uDC00" // U+10000, the first character beyond the BMP
                + "\uD83C\uDDE9\uD83C\uDDEA" // 🇩🇪, two regional indicators
                + "Z\u0335\u0336" // stacked combining marks
                + "\uFB01\u00DF\u0130"; // ligature ﬁ, ß, dotted capital I: change under case folding
        StringBuilder text = new StringBuilder(prefix + unusual);
        while (text.length() < length) {
            text.append('x');
        }
        text.setLength(length);
        if (Character.isHighSurrogate(text.charAt(length - 1))) {
            text.setCharAt(length - 1, 'x'); // never half a pair: that is the input refused elsewhere
        }
        return text.toString();
    }

    @Test
    void everyTextColumnTakesEveryUnicodeCharacter() {
        List<String> narrow = jdbc.sql("""
                SELECT CONCAT(table_name, '.', column_name, ' ', character_set_name) FROM information_schema.columns
                WHERE table_schema = DATABASE() AND character_set_name IS NOT NULL AND character_set_name <> 'utf8mb4'
                """).query(String.class).list();
        assertThat(narrow).as("text columns that cannot hold 4-byte UTF-8").isEmpty();
        assertThat(jdbc.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()")
                .query(String.class).list()).containsAll(TABLES);
    }

    /**
     * The billing system's ids and references, and every column that refers to them. Compared byte for byte
     * (utf8mb4_nopad_bin), since V39: under the server's utf8mb4_unicode_ci, "acme-1" and "ACME-1", "Müller" and
     * "Muller", or "A1" and "A1 " were one customer.
     */
    static final List<String> ID_COLUMNS = List.of("customers.id", "invoices.id", "invoices.customer_id",
            "payments.invoice_id", "payments.reference", "payment_failures.invoice_id", "payment_failures.reference",
            "contact_attempts.customer_id", "contact_attempts.reference", "holds.customer_id", "holds.invoice_id",
            "customer_contact_details.customer_id", "outbox.customer_id", "audit_records.customer_id",
            "run_failures.customer_id", "effect_decisions.customer_id", "effect_decision_invoices.invoice_id",
            "effect_payments.invoice_id", "effect_payments.customer_id");

    @Test
    void idColumnsCompareByteForByte() {
        List<String> exact = jdbc.sql("""
                SELECT CONCAT(table_name, '.', column_name) FROM information_schema.columns
                WHERE table_schema = DATABASE() AND collation_name = 'utf8mb4_nopad_bin'""").query(String.class).list();
        assertThat(exact).containsAll(ID_COLUMNS);
        // A table added later that refers to a customer or an invoice must compare its ids the same way, or a join
        // with the tables above fails (Illegal mix of collations) or matches ids that differ in case.
        List<String> folding = jdbc.sql("""
                SELECT CONCAT(table_name, '.', column_name, ' ', collation_name) FROM information_schema.columns
                WHERE table_schema = DATABASE() AND column_name IN ('customer_id', 'invoice_id')
                    AND collation_name IS NOT NULL AND collation_name <> 'utf8mb4_nopad_bin'""")
                .query(String.class).list();
        assertThat(folding).as("id columns that fold case, accents or trailing spaces").isEmpty();
    }

    @Test
    void unusualTextIsStoredAndChainedExactlyAndTheChainStaysIntact() throws Exception {
        Api api = new Api(port, json);
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
        String marker = UUID.randomUUID().toString().substring(0, 8);
        String customerId = trickyId("X-" + marker, 64); // the id column's maximum, counted in UTF-16 units
        String invoiceId = trickyId("XI-" + marker, 64);
        String name = tricky("Ada ", 200);

        // Stored facts, addressed through the path (percent-encoded UTF-8), then a decision on them.
        String path = "/api/v1/customers/" + URLEncoder.encode(customerId, StandardCharsets.UTF_8).replace("+", "%20");
        var put = api.put(path, """
                {"name": %s, "segment": "CONSUMER", "country": "DE", "timeZone": "Europe/Berlin", "currency": "EUR",
                 "consents": {"EMAIL": true}, "postalAddress": %s}""".formatted(quote(name), quote(tricky("", 500))));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        var invoice = api.put("/api/v1/invoices/" + URLEncoder.encode(invoiceId, StandardCharsets.UTF_8)
                .replace("+", "%20"), """
                {"customerId": %s, "number": %s, "currency": "EUR", "amount": "120.00", "issueDate": "2025-01-15",
                 "dueDate": "2025-02-14", "paymentMethod": %s}""".formatted(quote(customerId),
                quote(trickyId("N", 64)), quote(trickyId("P", 32))));
        assertThat(invoice.statusCode()).as(invoice.body()).isEqualTo(201);
        assertThat(hex("SELECT id FROM customers WHERE id = ?", customerId)).isEqualTo(utf8Hex(customerId));
        assertThat(hex("SELECT name FROM customers WHERE id = ?", customerId)).isEqualTo(utf8Hex(name));
        assertThat(hex("SELECT id FROM invoices WHERE id = ?", invoiceId)).isEqualTo(utf8Hex(invoiceId));
        assertThat(api.body(api.get(path)).get("name").asString()).isEqualTo(name);

        var decided = api.post("/api/v1/decisions", "{\"customerId\": " + quote(customerId)
                + ", \"asOf\": \"2025-03-12T10:00:00.123456Z\"}");
        assertThat(decided.statusCode()).as(decided.body()).isEqualTo(200);

        // Inline facts: the same kind of text in every string field the facts have.
        ObjectNode facts = (ObjectNode) json.readTree(DecisionApiIT.EXAMPLE);
        ((ObjectNode) facts.get("customer")).put("id", trickyId("E-" + marker, 64)).put("name", tricky("", 200));
        ObjectNode inlineInvoice = (ObjectNode) facts.get("invoices").get(0);
        inlineInvoice.put("id", trickyId("EI-" + marker, 64)).put("number", trickyId("N", 64))
                .put("paymentMethod", trickyId("P", 32)).put("failedAttempts", 1)
                .put("lastDeclineCode", trickyId("D", 64));
        var evaluated = api.post("/api/v1/decisions/evaluate", facts.toString());
        assertThat(evaluated.statusCode()).as(evaluated.body()).isEqualTo(200);

        List<String> decisionIds = List.of(api.body(decided).get("decisionId").asString(),
                api.body(evaluated).get("decisionId").asString());
        for (String decisionId : decisionIds) {
            storedAsChained(decisionId);
        }
        assertThat(chainedCustomerId(decisionIds.get(0))).isEqualTo(customerId);
        assertThat(chainedCustomerId(decisionIds.get(1))).isEqualTo(trickyId("E-" + marker, 64));
        JsonNode chainedFacts = json.readTree(jdbc.sql("SELECT f.facts FROM audit_facts f JOIN audit_records r "
                + "ON r.seq = f.seq WHERE r.decision_id = ?").param(decisionIds.get(1)).query(String.class).single());
        assertThat(chainedFacts.get("customer").get("name").asString()).isEqualTo(tricky("", 200));
        assertThat(chainedFacts.get("invoices").get(0).get("lastDeclineCode").asString()).isEqualTo(trickyId("D", 64));

        JsonNode verify = api.body(api.get("/api/v1/audit/verify?from=" + start));
        assertThat(verify.get("broken").isNull()).as(verify.toString()).isTrue();
        assertThat(verify.get("verified").asLong()).isGreaterThanOrEqualTo(2);
    }

    /**
     * Every column of the record against the chained content, compared as stored bytes (HEX of the column against the
     * UTF-8 of the chained value) where the column is text, to the microsecond where it is a time; and the stored
     * facts against their chained hash.
     */
    private void storedAsChained(String decisionId) throws Exception {
        Map<String, Object> row = jdbc.sql("SELECT * FROM audit_records WHERE decision_id = ?").param(decisionId)
                .query().singleRow();
        JsonNode content = json.readTree((String) row.get("content"));
        JsonNode decision = content.get("decision");
        Map<String, String> chained = new LinkedHashMap<>();
        chained.put("decision_id", content.get("decisionId").asString());
        chained.put("customer_id", content.get("customerId").asString());
        chained.put("principal", content.get("principal").asString());
        chained.put("entry_point", content.get("entryPoint").asString());
        chained.put("rule_set_version", content.get("ruleSetVersion").asString());
        chained.put("facts_hash", content.get("factsHash").asString());
        chained.put("action", decision.get("action").asString());
        chained.put("channel", decision.get("channel").asString());
        chained.put("tone", decision.path("tone").asString(null));
        chained.put("run_id", content.path("runId").asString(null));
        // A decision outside any champion/challenger test: neither column is set, nor is either in the content
        // (ChallengerTestIT checks both when a test runs).
        assertThat(content.has("testId") || content.has("arm")).isFalse();
        chained.put("test_id", null);
        chained.put("arm", null);
        List<String> columns = new ArrayList<>(row.keySet());
        columns.removeAll(List.of("seq", "content", "prev_hash", "hash", "recorded_at", "as_of"));
        assertThat(chained.keySet()).as("every column of audit_records is compared").containsExactlyInAnyOrderElementsOf(
                columns);
        for (var column : chained.entrySet()) {
            String stored = jdbc.sql("SELECT HEX(" + column.getKey() + ") FROM audit_records WHERE decision_id = ?")
                    .param(decisionId).query((rs, n) -> rs.getString(1)).list().get(0);
            assertThat(stored).as(column.getKey()).isEqualTo(column.getValue() == null ? null
                    : utf8Hex(column.getValue()));
        }
        assertThat(Instant.parse(content.get("asOf").asString()))
                .as("as_of: the request's microseconds, neither cut nor rounded").isEqualTo(instant("as_of", decisionId));
        // recorded_at is the service's own clock, not input: the column keeps its microseconds (as ChainVerifier reads).
        assertThat(Instant.parse(content.get("recordedAt").asString()).truncatedTo(ChronoUnit.MICROS))
                .isEqualTo(instant("recorded_at", decisionId));
        String facts = jdbc.sql("SELECT facts FROM audit_facts WHERE seq = ?").param(row.get("seq"))
                .query(String.class).single();
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(facts.getBytes(StandardCharsets.UTF_8)))).isEqualTo(content.get("factsHash").asString());
        assertThat(hex("SELECT facts FROM audit_facts WHERE seq = ?", row.get("seq"))).isEqualTo(utf8Hex(facts));
    }

    private Instant instant(String column, String decisionId) {
        return Instant.parse(jdbc.sql("SELECT DATE_FORMAT(" + column + ", '%Y-%m-%dT%H:%i:%s.%fZ') FROM audit_records "
                + "WHERE decision_id = ?").param(decisionId).query(String.class).single());
    }

    private String chainedCustomerId(String decisionId) {
        return json.readTree(jdbc.sql("SELECT content FROM audit_records WHERE decision_id = ?").param(decisionId)
                .query(String.class).single()).get("customerId").asString();
    }

    private String hex(String select, Object parameter) {
        return jdbc.sql(select.replaceFirst("SELECT (\\w+)", "SELECT HEX($1)")).param(parameter).query(String.class)
                .single();
    }

    private static String utf8Hex(String text) {
        return HexFormat.of().withUpperCase().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }

    private String quote(String text) {
        return json.writeValueAsString(text);
    }
}
