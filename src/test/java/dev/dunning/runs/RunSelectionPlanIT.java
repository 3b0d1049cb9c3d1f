package dev.dunning.runs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.database.StaleStatistics;
import dev.dunning.facts.CustomerFacts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A run reads its customers through the customer indexes whatever the table statistics say. MariaDB plans with the
 * index statistics InnoDB last counted, and after a large import those can still be the counts of a nearly empty table:
 * one customer seemed to hold every invoice, the optimizer judged a scan of the table cheaper than the index, and a
 * run's window of 2,000 customer ids took 40-140 s instead of milliseconds, a chunk's facts a scan of every invoice
 * (docs/benchmarks.md, section 4). Here such statistics are written on purpose ({@link StaleStatistics}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunSelectionPlanIT {

    private static final Instant AS_OF = Instant.parse("2026-03-02T10:00:00Z");
    private static final String CUSTOMERS = """
            INSERT INTO customers (id, segment, country, language, time_zone, risk_score, tenure_months, consent_email,
                consent_sms, consent_phone, consent_letter, do_not_contact, vulnerable, third_party_collection,
                created_at, updated_at)
            SELECT CONCAT(:prefix, LPAD(seq, 5, '0')), 'CONSUMER', 'DE', 'de', 'Europe/Berlin', 0, 0, TRUE, FALSE,
                FALSE, FALSE, FALSE, FALSE, FALSE, NOW(6), NOW(6)
            FROM seq_1_to_%d""";
    private static final String INVOICES = """
            INSERT INTO invoices (id, customer_id, number, currency, amount, issue_date, due_date, status, created_at,
                updated_at)
            SELECT CONCAT(c.id, '-', s.seq), c.id, 'N', 'EUR', 100, '2026-01-01', '2026-01-31',
                IF(s.seq %% 2 = 0, 'PAID', 'OPEN'), NOW(6), NOW(6)
            FROM customers c JOIN seq_1_to_%d s WHERE c.id LIKE CONCAT(:prefix, '%%')""";

    private StaleStatistics database;

    @BeforeAll
    void staleStatistics() {
        database = StaleStatistics.freshDatabase("runplan");
        database.jdbc().sql(CUSTOMERS.formatted(2000)).param("prefix", "C-").update();
        database.jdbc().sql(INVOICES.formatted(3)).param("prefix", "C-").update();
        // As a large import leaves them until they are counted again: the index's count of distinct customers from when
        // the table held one customer's rows, so the index seems to lead to every invoice; the same for the contacts and
        // holds a chunk's facts are read from.
        database.oneKeyHoldsEveryRow("invoices", "invoices_customer", 2)
                .oneKeyHoldsEveryRow("contact_attempts", "contact_attempts_customer", 2)
                .oneKeyHoldsEveryRow("holds", "holds_customer", 1);
    }

    @Test
    void withoutTheHintSuchStatisticsMakeTheWindowScanEveryInvoicePerCustomer() {
        Map<String, Object> params = new TreeMap<>();
        String where = RunReport.filter(new RunRequest(AS_OF, false, null, null, null, "test", false), params, false);
        params.put("after", "C-00100");
        params.put("window", 2000);
        List<String> plan = explain(CustomerRangeReader.windowQuery(where, false), params);
        assertThat(plan).as("%s", plan).anySatisfy(row -> assertThat(row).contains("table=i type=ALL"));
    }

    @Test
    void aWindowOfCustomersLooksUpEachCustomersInvoicesByTheIndex() {
        for (boolean bounded : new boolean[] {false, true}) {
            Map<String, Object> params = new TreeMap<>();
            String where = RunReport.filter(new RunRequest(AS_OF, false, null, null, null, "test", false), params,
                    true);
            params.put("after", "C-00100");
            params.put("window", 2000);
            if (bounded) {
                params.put("to", "C-01900");
            }
            List<String> plan = explain(CustomerRangeReader.windowQuery(where, bounded), params);
            System.out.println("EXPLAIN run window (bounded " + bounded + "): " + plan);
            assertThat(plan).as("%s", plan).anySatisfy(row -> assertThat(row).contains("table=i ",
                    "key=invoices_customer"));
            assertThat(plan).as("%s", plan).noneSatisfy(row -> assertThat(row).contains("table=i type=ALL"));
        }
    }

    @Test
    void aChunksFactsAreReadThroughEachTablesCustomerIndex() {
        List<String> chunk = new ArrayList<>();
        for (int i = 1; i <= 500; i++) {
            chunk.add("C-%05d".formatted(i));
        }
        List<String> plan = new ArrayList<>();
        for (String sql : CustomerFacts.chunkQueries()) {
            plan.addAll(explain(sql, CustomerFacts.chunkParams(chunk, AS_OF)));
        }
        System.out.println("EXPLAIN a chunk's facts: " + plan);
        assertThat(plan).hasSize(3);
        assertThat(plan.get(0)).contains("key=invoices_customer");
        assertThat(plan.get(1)).contains("key=contact_attempts_customer");
        assertThat(plan.get(2)).contains("key=holds_customer");
        assertThat(plan).noneSatisfy(row -> assertThat(row).contains("type=ALL"));
    }

    private List<String> explain(String sql, Map<String, Object> params) {
        return database.explain(sql, params);
    }
}
