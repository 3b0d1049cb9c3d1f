package dev.dunning.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.database.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A claimed batch's "is there a later entry of the customer?" reads the customer's entries, whatever the statistics
 * say. With statistics in which a customer's entries look many, MariaDB chose to read the primary key backwards for
 * the query's ORDER BY ... LIMIT 1, every newer entry of the outbox for each entry of the batch (seen in a running
 * benchmark with SHOW EXPLAIN: type index on PRIMARY, docs/benchmarks.md, section 5). Such statistics are written here
 * on purpose, as the server's statistics tables hold them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxPlanIT {

    private static final Map<String, Object> BATCH = Map.of("ids",
            List.of("01a245be-0000-7000-8000-000000000001", "01a245be-0000-7000-8000-000000000002"));

    private JdbcClient jdbc;

    @BeforeAll
    void staleStatistics() {
        TestDatabase.Connection db = TestDatabase.freshDatabase("outboxplan");
        DriverManagerDataSource dataSource = new DriverManagerDataSource(db.url(), db.user(), db.password());
        Flyway.configure().dataSource(dataSource).load().migrate();
        jdbc = JdbcClient.create(dataSource);
        jdbc.sql("REPLACE INTO mysql.table_stats (db_name, table_name, cardinality) VALUES (DATABASE(), 'outbox', "
                + "6000)").update();
        for (int prefix = 1; prefix <= 2; prefix++) {
            jdbc.sql("REPLACE INTO mysql.index_stats (db_name, table_name, index_name, prefix_arity, avg_frequency) "
                    + "VALUES (DATABASE(), 'outbox', 'outbox_customer', ?, 6000)").param(prefix).update();
        }
        jdbc.sql("FLUSH TABLES outbox").update();
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
        List<String> rows = new ArrayList<>();
        jdbc.sql("EXPLAIN " + sql).params(BATCH).query(rs -> {
            rows.add("table=" + rs.getString("table") + " type=" + rs.getString("type") + " key="
                    + rs.getString("key") + " rows=" + rs.getString("rows") + " extra=" + rs.getString("Extra"));
        });
        return rows;
    }
}
