package dev.dunning.audit;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the erasure records of the chain say was erased: seq ranges, each with its erasure record and cut-off. */
final class ErasureIndex {

    record Erasure(long seq, Instant cutoff) {}

    private final TreeMap<Long, long[]> ranges = new TreeMap<>();
    private final Map<Long, Erasure> bySeq = new HashMap<>();

    static ErasureIndex load(JdbcClient jdbc, JsonMapper json) {
        ErasureIndex erasures = new ErasureIndex();
        jdbc.sql("SELECT seq, content FROM audit_records WHERE entry_point = ?").param(AuditRetention.ENTRY_POINT)
                .query(rs -> {
                    long seq = rs.getLong(1);
                    JsonNode content = json.readTree(rs.getString(2));
                    erasures.bySeq.put(seq, new Erasure(seq, ChainVerifier.instant(json, content.path("asOf"))));
                    for (JsonNode range : content.path("erased")) {
                        erasures.ranges.put(range.get(0).asLong(), new long[] {range.get(1).asLong(), seq});
                    }
                });
        return erasures;
    }

    /** The erasure record that names {@code seq}, or null. */
    Erasure of(long seq) {
        var range = ranges.floorEntry(seq);
        return range == null || range.getValue()[0] < seq ? null : bySeq.get(range.getValue()[1]);
    }
}
