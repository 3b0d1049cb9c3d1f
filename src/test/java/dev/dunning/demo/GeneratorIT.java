package dev.dunning.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.Command;
import dev.dunning.database.TestDatabase;
import dev.dunning.decision.DeclineCodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The {@code generate} command against a database of its own: row counts, the invariants the service relies on
 * (checked in SQL), the same content for the same seed, and decisions on every generated customer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GeneratorIT {

    static final int CUSTOMERS = 300;
    static final LocalDate AS_OF = LocalDate.now(ZoneOffset.UTC);
    static TestDatabase.Connection db;

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        db = TestDatabase.freshDatabase("generator");
        db.register(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ObjectMapper json;

    @Autowired
    DeclineCodes declineCodes;

    @BeforeAll
    void generateThroughTheCommand() throws Exception {
        Command generate = context.getBeansOfType(Command.class).values().stream()
                .filter(c -> c.name().equals("generate")).findFirst().orElseThrow();
        // Rows only (no past decisions), to compare with the generator's own output below.
        int code = generate.run(List.of("--customers=" + CUSTOMERS, "--seed=42", "--as-of=" + AS_OF,
                "--history-days=0"));
        assertThat(code).isZero();
    }

    @Test
    void createsTheCustomersWithAboutThreeInvoicesEach() {
        assertThat(count("SELECT COUNT(*) FROM customers")).isEqualTo(CUSTOMERS);
        long invoices = count("SELECT COUNT(*) FROM invoices");
        assertThat(invoices).isBetween(CUSTOMERS * 5L / 2, CUSTOMERS * 7L / 2);
        assertThat(count("SELECT COUNT(*) FROM payments")).isPositive();
        assertThat(count("SELECT COUNT(*) FROM payment_failures")).isPositive();
        assertThat(count("SELECT COUNT(*) FROM contact_attempts")).isPositive();
        assertThat(count("SELECT COUNT(*) FROM holds")).isPositive();
        assertThat(count("SELECT COUNT(DISTINCT segment) FROM customers")).isEqualTo(4);
        assertThat(count("SELECT COUNT(DISTINCT status) FROM invoices")).isGreaterThanOrEqualTo(4);
        long overdue = count("SELECT COUNT(*) FROM invoices WHERE status IN ('OPEN', 'PARTIALLY_PAID') "
                + "AND due_date < CURRENT_DATE");
        assertThat(overdue).as("overdue invoices").isBetween(invoices / 20, invoices / 2);
    }

    @Test
    void everyGeneratedCustomerCanBeDispatchedToAndOnlyToMadeUpAddresses() {
        assertThat(count("SELECT COUNT(*) FROM customers c JOIN customer_contact_details d ON d.customer_id = c.id "
                + "WHERE d.email LIKE '%@example.invalid' AND d.mobile LIKE '+447700900___' "
                + "AND d.postal_address LIKE '%(fictional address)%' AND d.email_withdrawn_at IS NULL"))
                .isEqualTo(CUSTOMERS);
        assertThat(count("SELECT COUNT(*) FROM customer_contact_details")).isEqualTo(CUSTOMERS);
    }

    @Test
    void keepsTheInvariantsTheServiceReliesOn() {
        // amount paid is the sum of the payments, in the invoice's currency
        assertThat(count("SELECT COUNT(*) FROM invoices i WHERE i.amount_paid <> "
                + "(SELECT COALESCE(SUM(p.amount), 0) FROM payments p WHERE p.invoice_id = i.id)")).isZero();
        assertThat(count("SELECT COUNT(*) FROM payments p JOIN invoices i ON i.id = p.invoice_id "
                + "WHERE p.currency <> i.currency")).isZero();
        // failure counters and the last decline agree with the failures
        assertThat(count("SELECT COUNT(*) FROM invoices i WHERE i.failed_attempts <> "
                + "(SELECT COUNT(*) FROM payment_failures f WHERE f.invoice_id = i.id)")).isZero();
        assertThat(count("SELECT COUNT(*) FROM invoices i WHERE i.failed_attempts > 0 AND (i.last_failure_at <> "
                + "(SELECT MAX(f.failed_at) FROM payment_failures f WHERE f.invoice_id = i.id) OR NOT EXISTS "
                + "(SELECT 1 FROM payment_failures f WHERE f.invoice_id = i.id AND f.failed_at = i.last_failure_at "
                + "AND f.decline_code = i.last_decline_code AND f.decline_class = i.last_decline_class))")).isZero();
        assertThat(count("SELECT COUNT(*) FROM invoices WHERE failed_attempts = 0 AND (last_decline_code IS NOT NULL "
                + "OR last_failure_at IS NOT NULL)")).isZero();
        // status follows the amounts (disputed and written-off invoices keep theirs)
        assertThat(count("SELECT COUNT(*) FROM invoices WHERE status NOT IN ('DISPUTED', 'WRITTEN_OFF') AND status <> "
                + "CASE WHEN amount_paid >= amount THEN 'PAID' WHEN amount_paid > 0 THEN 'PARTIALLY_PAID' "
                + "ELSE 'OPEN' END")).isZero();
        // no orphans (the load ran with foreign-key checks off for its session), holds on the customer's own invoices
        assertThat(count("SELECT COUNT(*) FROM invoices i LEFT JOIN customers c ON c.id = i.customer_id "
                + "WHERE c.id IS NULL")).isZero();
        assertThat(count("SELECT COUNT(*) FROM holds h JOIN invoices i ON i.id = h.invoice_id "
                + "WHERE i.customer_id <> h.customer_id")).isZero();
        // decline codes come from the configured list, with its classes
        jdbc.sql("SELECT DISTINCT decline_code, decline_class FROM payment_failures").query((rs, n) -> {
            assertThat(declineCodes.knows(rs.getString(1))).as(rs.getString(1)).isTrue();
            assertThat(declineCodes.classify(rs.getString(1)).name()).isEqualTo(rs.getString(2));
            return null;
        }).list();
        // nothing happened after the as-of date
        assertThat(count("SELECT COUNT(*) FROM payments WHERE paid_at >= '" + AS_OF.plusDays(1) + "'")).isZero();
        assertThat(count("SELECT COUNT(*) FROM contact_attempts WHERE contacted_at >= '" + AS_OF + "'")).isZero();
    }

    @Test
    void theSameSeedGivesTheSameContentAndAnotherSeedOther() throws Exception {
        String here = contentHash(db);
        TestDatabase.Connection same = generateInto("generator_same", 42);
        TestDatabase.Connection other = generateInto("generator_other", 43);

        assertThat(contentHash(same)).isEqualTo(here);
        assertThat(contentHash(other)).isNotEqualTo(here);
    }

    @Test
    void decisionsByCustomerIdWorkForEveryGeneratedCustomer() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Set<String> actions = new HashSet<>();
        List<String> ids = jdbc.sql("SELECT id FROM customers ORDER BY id").query(String.class).list();
        for (String id : ids) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + "/api/v1/decisions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"customerId\": \"" + id + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("%s: %s", id, response.body()).isEqualTo(200);
            JsonNode decision = json.readTree(response.body());
            actions.add(decision.get("action").asString());
        }
        // A realistic mix: most customers need nothing, some are reminded, some are on hold.
        assertThat(actions).contains("NO_ACTION", "REMINDER", "HOLD").hasSizeGreaterThanOrEqualTo(5);
    }

    private TestDatabase.Connection generateInto(String prefix, long seed) throws Exception {
        TestDatabase.Connection target = TestDatabase.freshDatabase(prefix);
        Flyway.configure().dataSource(target.url(), target.user(), target.password()).load().migrate();
        try (Connection c = DriverManager.getConnection(Generator.withLocalInfile(target.url()), target.user(),
                target.password())) {
            new Generator(declineCodes).generate(c, new Generator.Options(CUSTOMERS, seed, AS_OF, "G-"), s -> {});
        }
        return target;
    }

    /** SHA-256 over every generated row, in key order (payment and failure ids left out: they are the load order). */
    private static String contentHash(TestDatabase.Connection target) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        List<String> queries = List.of("SELECT * FROM customers ORDER BY id", "SELECT * FROM invoices ORDER BY id",
                "SELECT invoice_id, amount, currency, paid_at, reference FROM payments ORDER BY invoice_id, paid_at, id",
                "SELECT invoice_id, failed_at, decline_code, decline_class, amount FROM payment_failures "
                        + "ORDER BY invoice_id, failed_at, id",
                "SELECT customer_id, contacted_at, channel, action, stage, outcome FROM contact_attempts "
                        + "ORDER BY customer_id, contacted_at, id",
                "SELECT customer_id, kind, invoice_id, from_date, until_date FROM holds ORDER BY customer_id, id");
        try (Connection c = DriverManager.getConnection(target.url(), target.user(), target.password());
                Statement s = c.createStatement()) {
            for (String query : queries) {
                try (ResultSet rs = s.executeQuery(query)) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            sha.update(String.valueOf(rs.getString(i)).getBytes(StandardCharsets.UTF_8));
                            sha.update((byte) 0);
                        }
                    }
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }
}
