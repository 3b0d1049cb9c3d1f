package dev.dunning.audit;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static dev.dunning.decision.TestData.facts;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.f4b6a3.uuid.UuidCreator;
import dev.dunning.database.TestDatabase;
import dev.dunning.decision.Facts;
import dev.dunning.decisions.DecisionResponse;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.DecisionEngine;
import dev.dunning.rules.RuleSet;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * audit_minutes holds, for each minute of recording time, exactly the first and last seq of the records recorded in
 * it, after records written by several threads through the audit log's pipelined writers, whose groups span minute
 * boundaries and whose recording times do not follow seq order.
 */
@SpringBootTest
class AuditMinutesIT {

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        TestDatabase.Connection db = TestDatabase.freshDatabase("audit_minutes");
        db.register(registry);
    }

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JdbcTemplate jdbcTemplate;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    AuditProperties properties;

    @Autowired
    JsonMapper json;

    @Autowired
    DecisionEngine engine;

    @Autowired
    ActiveRuleSet active;

    @Autowired
    AuditRecords records;

    private final Facts facts = facts().asOf("2025-03-12T15:00:00Z")
            .customer(aCustomer().id("MINUTES-1").consumer().in("DE", "Europe/Berlin", "EUR"))
            .invoice(anInvoice().amount("EUR", "120.00").daysOverdue(12)).build();

    @Test
    void eachMinuteHoldsTheFirstAndLastSeqRecordedInIt() throws Exception {
        // Each reading of the clock is 100 ms later: 1,600 records span 160 s from 11:59:30, three minute boundaries.
        Instant start = Instant.parse("2026-12-05T11:59:30Z");
        AtomicLong readings = new AtomicLong();
        Clock stepping = new Clock() {
            @Override
            public Instant instant() {
                return start.plusMillis(100 * readings.getAndIncrement());
            }

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException();
            }
        };
        AuditLog log = new AuditLog(jdbc, jdbcTemplate, transactions, properties, stepping, json,
                new SimpleMeterRegistry());
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(callers.submit(() -> {
                    for (int batch = 0; batch < 4; batch++) {
                        List<AuditEntry> entries = new ArrayList<>();
                        for (int i = 0; i < 50; i++) {
                            entries.add(entry());
                        }
                        log.appendAll(entries);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            callers.shutdown();
            log.stop();
        }

        assertThat(readings.get()).isEqualTo(1_600);
        List<String> expected = jdbc.sql("SELECT CONCAT_WS('|', DATE_FORMAT(recorded_at, '%Y-%m-%d %H:%i:00'), "
                        + "MIN(seq), MAX(seq)) FROM audit_records GROUP BY DATE_FORMAT(recorded_at, '%Y-%m-%d %H:%i:00') "
                        + "ORDER BY 1")
                .query(String.class).list();
        List<String> kept = jdbc.sql("SELECT CONCAT_WS('|', DATE_FORMAT(minute, '%Y-%m-%d %H:%i:00'), min_seq, max_seq) "
                        + "FROM audit_minutes ORDER BY minute")
                .query(String.class).list();
        assertThat(kept).isEqualTo(expected);
        assertThat(kept).filteredOn(m -> m.startsWith("2026-12-05 11:59") || m.startsWith("2026-12-05 12:0")).extracting(m -> m.substring(0, 19))
                .containsExactly("2026-12-05 11:59:00", "2026-12-05 12:00:00", "2026-12-05 12:01:00",
                        "2026-12-05 12:02:00");
        // A group of the log spans a minute boundary: some transaction wrote records of two minutes.
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_records a JOIN audit_records b ON b.seq = a.seq + 1 "
                        + "WHERE a.recorded_at < '2026-12-05 12:00:00' AND b.recorded_at >= '2026-12-05 12:00:00'")
                .query(Long.class).single()).isPositive();

        // A range cut inside minutes at both ends, with a whole minute between (read from audit_minutes), finds
        // exactly the records recorded in it.
        Instant from = Instant.parse("2026-12-05T11:59:45.025Z");
        Instant to = Instant.parse("2026-12-05T12:01:20.025Z");
        List<Long> found = new ArrayList<>();
        records.stream(new AuditFilter(null, from, to, null, null, null, null, null), r -> found.add(r.seq()));
        assertThat(found).isEqualTo(jdbc.sql("SELECT seq FROM audit_records WHERE recorded_at >= ? "
                        + "AND recorded_at < ? ORDER BY seq")
                .params("2026-12-05 11:59:45.025", "2026-12-05 12:01:20.025").query(Long.class).list())
                .hasSize(1100 - 151 + 1);
    }

    private AuditEntry entry() {
        RuleSet ruleSet = active.get();
        DecisionResponse d = DecisionResponse.of(UuidCreator.getTimeOrderedEpoch().toString(),
                engine.evaluate(facts, ruleSet), ruleSet.version());
        return new AuditEntry(d.decisionId(), d.asOf(), d.customerId(), "test", "evaluate", ruleSet.version(),
                ruleSet.sources(), d.action(), d.channel(), d.tone(), d.trace(), d, facts);
    }
}
