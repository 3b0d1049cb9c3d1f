package dev.dunning.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.database.StaleStatistics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A claimed batch's "is there a later entry of the customer?" reads the customer's entries, whatever the statistics
 * say. With statistics in which a customer's entries look many, MariaDB chose to read the primary key backwards for
 * the query's ORDER BY ... LIMIT 1, every newer entry of the outbox for each entry of the batch (seen in a running
 * benchmark with SHOW EXPLAIN: type index on PRIMARY, docs/benchmarks.md, section 5). Such statistics are written here
 * on purpose ({@link StaleStatistics}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxPlanIT {

    private static final Map<String, Object> BATCH = Map.of("ids",
            List.of("01a245be-0000-7000-8000-000000000001", "01a245be-0000-7000-8000-000000000002"));

    private StaleStatistics database;

    @BeforeAll
    void staleStatistics() {
        database = StaleStatistics.freshDatabase("outboxplan").oneKeyHoldsEveryRow("outbox", "outbox_customer", 2);
    }

    @Test
    void withoutNamingTheIndexSuchStatisticsMakeTheLookUpReadThePrimaryKeyBackwards() {
        List<String> plan = explain(Outbox.NEWER_ENTRIES.formatted(""));
        System.out.println("EXPLAIN later entries, no hint: " + plan);
        assertThat(plan).as("%s", plan).anySatisfy(row -> assertThat(row).contains("table=n ", "key=PRIMARY"));
    }

    @Test
    void theLaterEntryIsLookedUpAmongTheCustomersOwnEntries() {
        List<String> plan = explain(Outbox.NEWER_ENTRIES.formatted(Outbox.NEWER_BY_CUSTOMER));
        System.out.println("EXPLAIN later entries: " + plan);
        assertThat(plan).as("%s", plan).anySatisfy(row -> assertThat(row).contains("table=n type=ref ",
                "key=outbox_customer"));
    }

    private List<String> explain(String sql) {
        return database.explain(sql, BATCH);
    }
}
