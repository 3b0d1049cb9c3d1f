package dev.dunning.audit;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static dev.dunning.decision.TestData.facts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.f4b6a3.uuid.UuidCreator;
import dev.dunning.database.TestDatabase;
import dev.dunning.decision.Facts;
import dev.dunning.decisions.DecisionResponse;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.DecisionEngine;
import dev.dunning.rules.RuleSet;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The audit log's two writers (one group's statements written while the previous group commits) keep the queue's
 * order in the chain: a group written again after a passing conflict still comes before the group queued after it,
 * and a batch larger than one group is chained in its own order.
 */
@SpringBootTest
class AuditPipelineIT {

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        TestDatabase.Connection db = TestDatabase.freshDatabase("audit_pipeline");
        db.register(registry);
    }

    @Autowired
    AuditLog auditLog;

    @Autowired
    DecisionEngine engine;

    @Autowired
    ActiveRuleSet active;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ChainVerifier verifier;

    @Autowired
    MeterRegistry meters;

    private final Facts facts = facts().asOf("2025-03-12T15:00:00Z")
            .customer(aCustomer().id("PIPELINE-1").consumer().in("DE", "Europe/Berlin", "EUR"))
            .invoice(anInvoice().amount("EUR", "120.00").daysOverdue(12)).build();

    @Test
    void aGroupWrittenAgainAfterAPassingConflictStillPrecedesTheGroupQueuedAfterIt() throws Exception {
        DecisionResponse first = decide();
        DecisionResponse second = decide();
        DecisionResponse third = decide();
        CountDownLatch othersQueued = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            // The first group's work waits until the next records are queued, then meets a passing conflict once:
            // its transaction is rolled back and written again, while the other writer is free to take the others.
            Future<AuditLog.Receipt> a = callers.submit(() -> auditLog.append(entry(first), () -> {
                if (attempts.incrementAndGet() == 1) {
                    awaitQuietly(othersQueued);
                    throw new CannotAcquireLockException("test: a lock wait that ran out");
                }
            }));
            await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() == 1);
            Future<List<AuditLog.Receipt>> rest = callers.submit(() -> auditLog.appendAll(List.of(entry(second),
                    entry(third))));
            await().atMost(Duration.ofSeconds(10)).until(() -> meters.get("dunning.audit.queue").gauge().value() >= 2);
            othersQueued.countDown();

            long firstSeq = a.get(30, TimeUnit.SECONDS).seq();
            List<AuditLog.Receipt> others = rest.get(30, TimeUnit.SECONDS);

            assertThat(attempts.get()).as("written again after the conflict").isEqualTo(2);
            assertThat(List.of(firstSeq, others.get(0).seq(), others.get(1).seq())).as("chained in queue order")
                    .isSorted().doesNotHaveDuplicates();
            assertThat(seqOf(first)).isEqualTo(firstSeq);
            assertThat(seqOf(second)).isEqualTo(others.get(0).seq());
            assertThat(seqOf(third)).isEqualTo(others.get(1).seq());
        } finally {
            othersQueued.countDown();
            callers.shutdown();
        }
        assertThat(verifier.verify(null, null).intact()).isTrue();
    }

    @Test
    void aBatchOfSeveralGroupsIsChainedInItsOwnOrder() {
        List<AuditEntry> entries = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) { // more than two groups of the default 500
            entries.add(entry(decide()));
        }

        List<AuditLog.Receipt> receipts = auditLog.appendAll(entries);

        assertThat(receipts.stream().map(AuditLog.Receipt::seq).toList()).isSorted().doesNotHaveDuplicates();
        assertThat(receipts.get(receipts.size() - 1).seq() - receipts.get(0).seq()).isEqualTo(entries.size() - 1);
        assertThat(seqOf(entries.get(700).decisionId())).isEqualTo(receipts.get(700).seq());
        assertThat(verifier.verify(null, null).intact()).isTrue();
    }

    private long seqOf(DecisionResponse d) {
        return seqOf(d.decisionId());
    }

    private long seqOf(String decisionId) {
        return jdbc.sql("SELECT seq FROM audit_records WHERE decision_id = ?").param(decisionId).query(Long.class)
                .single();
    }

    private DecisionResponse decide() {
        RuleSet ruleSet = active.get();
        return DecisionResponse.of(UuidCreator.getTimeOrderedEpoch().toString(), engine.evaluate(facts, ruleSet),
                ruleSet.version());
    }

    private AuditEntry entry(DecisionResponse d) {
        RuleSet ruleSet = active.get();
        return new AuditEntry(d.decisionId(), d.asOf(), d.customerId(), "test", "evaluate", ruleSet.version(),
                ruleSet.sources(), d.action(), d.channel(), d.tone(), d.trace(), d, facts);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
