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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            // The first group's same-transaction work holds the writer for 3 s: past its caller's 2 s, and past the
            // 2 s of a caller that queues behind it half a second later.
            Future<AuditLog.Receipt> first = callers.submit(
                    () -> auditLog.append(entry(slow, facts), () -> pause(3_000)));
            Thread.sleep(500);
            Future<AuditLog.Receipt> second = callers.submit(() -> auditLog.append(entry(queued, facts)));

            assertThat(first.get().seq()).as("being written when its caller's time ran out: waited for, and recorded")
                    .isPositive();
            assertThatThrownBy(second::get).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(AuditUnavailableException.class);
        } finally {
            callers.shutdown();
        }
        Thread.sleep(1_500); // time enough for the writer to have written the second, had it taken it

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

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
