package dev.dunning.runs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Splits the customer ids into ranges of about equal size (by the primary key's order): partition i holds the ids
 * after {@code from} (exclusive) up to {@code to} (inclusive), open at either end. A restart reuses the ranges of
 * the first execution (Spring Batch keeps them in the partitions' contexts), so customers added meanwhile fall in
 * the range they sort into.
 */
class RangePartitioner implements Partitioner {

    /**
     * In every partition's context: Spring Batch stores a partition's step execution first and its context in a second
     * statement, so a worker of another instance must not take a partition whose context does not have it yet.
     */
    static final String PARTITION = "partition";

    private final JdbcClient jdbc;

    RangePartitioner(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Map<String, ExecutionContext> partition(int gridSize) {
        long customers = jdbc.sql("SELECT COUNT(*) FROM customers").query(Long.class).single();
        int n = (int) Math.max(1, Math.min(gridSize, customers));
        List<String> bounds = new ArrayList<>();
        for (int i = 1; i < n; i++) {
            jdbc.sql("SELECT id FROM customers ORDER BY id LIMIT 1 OFFSET ?").param(customers * i / n)
                    .query(String.class).optional().ifPresent(bounds::add);
        }
        Map<String, ExecutionContext> partitions = new LinkedHashMap<>();
        for (int i = 0; i <= bounds.size(); i++) {
            ExecutionContext context = new ExecutionContext();
            context.putInt(PARTITION, i);
            if (i > 0) {
                context.putString(CustomerRangeReader.FROM, bounds.get(i - 1));
            }
            if (i < bounds.size()) {
                context.putString(CustomerRangeReader.TO, bounds.get(i));
            }
            partitions.put("partition" + i, context);
        }
        return partitions;
    }
}
