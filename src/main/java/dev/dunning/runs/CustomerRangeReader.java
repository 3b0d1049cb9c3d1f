package dev.dunning.runs;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Streams the ids of a partition's selected customers in id order, a window of ids at a time with a keyset (id greater
 * than the last one scanned), so that memory holds one window whatever the number of customers. The last id handed out
 * is saved with every chunk's commit; a restarted partition continues after it.
 */
class CustomerRangeReader implements ItemStreamReader<String> {

    static final String FROM = "from";
    static final String TO = "to";
    static final String LAST = "last";

    private final JdbcClient jdbc;
    private final RunRequest request;
    private final PhaseTimes times;
    private final Deque<String> page = new ArrayDeque<>();
    private final int window;
    private String to;
    /** The last id handed out (saved with each chunk) and the last id scanned (read ahead, not saved). */
    private String last;
    private String scanned;
    private boolean exhausted;

    CustomerRangeReader(JdbcClient jdbc, RunRequest request, int chunkSize, PhaseTimes times) {
        this.jdbc = jdbc;
        this.request = request;
        // Usually a third or fewer of the customers are selected: a window of four chunks fills about one.
        this.window = Math.max(100, chunkSize * 4);
        this.times = times;
    }

    @Override
    public void open(ExecutionContext context) {
        if (!context.containsKey(RangePartitioner.PARTITION)) {
            // Without its range a partition would read every customer: fail rather than overlap another partition.
            throw new IllegalStateException("The partition's context has no customer id range yet; it was taken before "
                    + "the run finished splitting. Restart the run to continue it.");
        }
        to = context.containsKey(TO) ? context.getString(TO) : null;
        last = context.containsKey(LAST) ? context.getString(LAST)
                : context.containsKey(FROM) ? context.getString(FROM) : "";
        scanned = last;
    }

    @Override
    public String read() {
        if (page.isEmpty() && !exhausted) {
            fetch();
        }
        String id = page.poll();
        if (id != null) {
            last = id;
        }
        return id;
    }

    /**
     * Scans the next window of customer ids by primary key and keeps those the run selects. A window of the primary
     * key, not "the next page of selected customers": that query let the optimizer resolve the EXISTS for the whole
     * table on every page (a cost that grew with the table, measured), while a window costs the same wherever it is.
     */
    private void fetch() {
        long start = System.nanoTime();
        while (page.isEmpty() && !exhausted) {
            Map<String, Object> params = new TreeMap<>();
            String where = RunReport.filter(request, params, true);
            params.put("after", scanned);
            params.put("window", window);
            if (to != null) {
                params.put("to", to);
            }
            int[] rows = {0};
            jdbc.sql(windowQuery(where, to != null))
                    .params(params)
                    .query(rs -> {
                        rows[0]++;
                        scanned = rs.getString(1);
                        if (rs.getBoolean(2)) {
                            page.add(scanned);
                        }
                    });
            exhausted = rows[0] < window;
        }
        times.read(System.nanoTime() - start);
    }

    /**
     * The window's query: the next {@code :window} customer ids after {@code :after} (up to {@code :to} when bounded),
     * each with whether the run selects it ({@code where}, {@link RunReport#filter}).
     */
    static String windowQuery(String where, boolean bounded) {
        return "SELECT w.id, (" + where + ") AS selected FROM (SELECT id FROM customers WHERE id > :after"
                + (bounded ? " AND id <= :to" : "") + " ORDER BY id LIMIT :window) w JOIN customers c ON c.id = w.id "
                + "ORDER BY w.id";
    }

    @Override
    public void update(ExecutionContext context) {
        context.putString(LAST, last);
    }
}
