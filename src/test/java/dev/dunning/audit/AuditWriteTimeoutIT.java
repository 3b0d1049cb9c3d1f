package dev.dunning.audit;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static dev.dunning.decision.TestData.facts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.f4b6a3.uuid.UuidCreator;
import dev.dunning.database.TestDatabase;
import dev.dunning.decision.Facts;
import dev.dunning.decisions.DecisionResponse;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.DecisionEngine;
import dev.dunning.rules.RuleSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A caller that stops waiting for the audit log is told its decision was not recorded, and that must be true: a
 * record the writer had not taken yet is then never written, and a record being written when the caller's time ran
 * out is waited for, so its caller learns the real outcome.
 */
@SpringBootTest(properties = "dunning.audit.write-timeout=2s")
@DirtiesContext // a database of its own and a write timeout no other test wants
class AuditWriteTimeoutIT {

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        TestDatabase.Connection db = TestDatabase.freshDatabase("audit_timeout");
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

    @Test
    void aCallerToldItsDecisionWasNotRecordedCanRelyOnIt() throws Exception {
        Facts facts = facts().asOf("2025-03-12T15:00:00Z")
                .customer(aCustomer().id("TIMEOUT-1").consumer().in("DE", "Europe/Berlin", "EUR"))
                .invoice(anInvoice().amount("EUR", "120.00").daysOverdue(12)).build();
        DecisionResponse slow = decide(facts);
        DecisionResponse queued = decide(facts);
        CountDownLatch taken = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            // The first group's same-transaction work holds the writer until released.
            Future<AuditLog.Receipt> first = callers.submit(() -> auditLog.append(entry(slow, facts), () -> {
                taken.countDown();
                awaitQuietly(release);
            }));
            assertThat(taken.await(10, TimeUnit.SECONDS)).as("the writer took the first group").isTrue();
            Future<AuditLog.Receipt> second = callers.submit(() -> auditLog.append(entry(queued, facts)));

            // Queued behind it, the second's caller gives up after its 2 s; then the writer is let go.
            assertThatThrownBy(second::get).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(AuditUnavailableException.class);
            release.countDown();
            assertThat(first.get().seq()).as("being written when its caller's time ran out: waited for, and recorded")
                    .isPositive();
        } finally {
            release.countDown();
            callers.shutdown();
        }
        // The writer takes records in order: once a later one is written, it has dealt with the second.
        auditLog.append(entry(decide(facts), facts));

        assertThat(recorded(slow)).isOne();
        assertThat(recorded(queued)).as("its caller was told it was not recorded").isZero();
        assertThat(verifier.verify(null, null).intact()).isTrue();
    }

    private long recorded(DecisionResponse d) {
        return jdbc.sql("SELECT COUNT(*) FROM audit_records WHERE decision_id = ?").param(d.decisionId())
                .query(Long.class).single();
    }

    private DecisionResponse decide(Facts facts) {
        RuleSet ruleSet = active.get();
        return DecisionResponse.of(UuidCreator.getTimeOrderedEpoch().toString(), engine.evaluate(facts, ruleSet),
                ruleSet.version());
    }

    private AuditEntry entry(DecisionResponse d, Facts facts) {
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
