package dev.dunning.database;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A database of its own, migrated, in which index statistics can be made stale on purpose, and the plans MariaDB then
 * chooses. MariaDB plans with the index statistics InnoDB last counted; after a large import, or in a table that grows
 * by thousands of rows a minute, they can say that one key holds every row, and the optimizer then scans where it
 * should look up (docs/benchmarks.md, sections 4 and 5). The statistics are written as the server's statistics tables
 * hold them, and the tables opened again.
 */
public final class StaleStatistics {

    private final JdbcClient jdbc;

    private StaleStatistics(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A fresh database (name starting with {@code prefix}) with the service's schema. */
    public static StaleStatistics freshDatabase(String prefix) {
        TestDatabase.Connection db = TestDatabase.freshDatabase(prefix);
        DriverManagerDataSource dataSource = new DriverManagerDataSource(db.url(), db.user(), db.password());
        Flyway.configure().dataSource(dataSource).load().migrate();
        return new StaleStatistics(JdbcClient.create(dataSource));
    }

    public JdbcClient jdbc() {
        return jdbc;
    }

    /**
     * Statistics of 6,000 rows in {@code table} in which every prefix of {@code index} (up to {@code columns} columns)
     * matches all of them: the index seems to lead to the whole table.
     */
    public StaleStatistics oneKeyHoldsEveryRow(String table, String index, int columns) {
        jdbc.sql("REPLACE INTO mysql.table_stats (db_name, table_name, cardinality) VALUES (DATABASE(), ?, 6000)")
                .param(table).update();
        for (int prefix = 1; prefix <= columns; prefix++) {
            jdbc.sql("REPLACE INTO mysql.index_stats (db_name, table_name, index_name, prefix_arity, avg_frequency) "
                    + "VALUES (DATABASE(), ?, ?, ?, 6000)").params(table, index, prefix).update();
        }
        jdbc.sql("FLUSH TABLES " + table).update();
        return this;
    }

    /** The plan of {@code sql}: one line per table read ("table=... type=... key=... rows=... extra=..."). */
    public List<String> explain(String sql, Map<String, ?> params) {
        List<String> rows = new ArrayList<>();
        jdbc.sql("EXPLAIN " + sql).params(params).query(rs -> {
            rows.add("table=" + rs.getString("table") + " type=" + rs.getString("type") + " key="
                    + rs.getString("key") + " rows=" + rs.getString("rows") + " extra=" + rs.getString("Extra"));
        });
        return rows;
    }
}
