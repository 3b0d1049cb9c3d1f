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
 * Streams the ids of a partition's customers in id order, a page at a time with a keyset (id greater than the last one
 * handed out), so that memory holds one page whatever the number of customers. The last id handed out is saved with
 * every chunk's commit; a restarted partition continues after it.
 */
class CustomerRangeReader implements ItemStreamReader<String> {

    static final String FROM = "from";
    static final String TO = "to";
    static final String LAST = "last";

    private final JdbcClient jdbc;
    private final RunRequest request;
    private final int pageSize;
    private final PhaseTimes times;
    private final Deque<String> page = new ArrayDeque<>();
    private String to;
    private String last;
    private boolean exhausted;

    CustomerRangeReader(JdbcClient jdbc, RunRequest request, int pageSize, PhaseTimes times) {
        this.jdbc = jdbc;
        this.request = request;
        this.pageSize = pageSize;
        this.times = times;
    }

    @Override
    public void open(ExecutionContext context) {
        to = context.containsKey(TO) ? context.getString(TO) : null;
        last = context.containsKey(LAST) ? context.getString(LAST)
                : context.containsKey(FROM) ? context.getString(FROM) : "";
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

    private void fetch() {
        long start = System.nanoTime();
        Map<String, Object> params = new TreeMap<>();
        String where = RunReport.filter(request, params);
        params.put("after", last);
        params.put("limit", pageSize);
        String range = " AND c.id > :after";
        if (to != null) {
            range += " AND c.id <= :to";
            params.put("to", to);
        }
        List<String> ids = jdbc.sql("SELECT c.id FROM customers c WHERE " + where + range + " ORDER BY c.id LIMIT :limit")
                .params(params).query(String.class).list();
        page.addAll(ids);
        exhausted = ids.size() < pageSize;
        times.read(System.nanoTime() - start);
    }

    @Override
    public void update(ExecutionContext context) {
        context.putString(LAST, last);
    }
}
