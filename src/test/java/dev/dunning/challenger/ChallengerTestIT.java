package dev.dunning.challenger;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static dev.dunning.decision.TestData.contact;
import static dev.dunning.decision.TestData.facts;
import static dev.dunning.decision.TestData.hold;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dunning.audit.ChainTampering;
import dev.dunning.audit.ChainVerifier;
import dev.dunning.database.TestDatabase;
import dev.dunning.decision.Action;
import dev.dunning.decision.Channel;
import dev.dunning.decision.Complaint;
import dev.dunning.decision.Decision;
import dev.dunning.decision.HoldKind;
import dev.dunning.decision.Outcome;
import dev.dunning.decision.TestData.FactsBuilder;
import dev.dunning.decisions.DecisionResponse;
import dev.dunning.decisions.DecisionService;
import dev.dunning.dispatch.ContactEventType;
import dev.dunning.dispatch.DispatchService;
import dev.dunning.effectiveness.Summaries;
import dev.dunning.facts.FactsService;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.ArmAssigner;
import dev.dunning.rules.DecisionEngine;
import dev.dunning.rules.RuleSet;
import dev.dunning.rules.RuleSource;
import dev.dunning.rulesets.FourEyes;
import dev.dunning.rulesets.RuleSetLifecycle;
import dev.dunning.rulesets.ReviewRefusedException;
import dev.dunning.rulesets.RuleSetReviews;
import dev.dunning.rulesets.RuleSetVersions;
import dev.dunning.runs.RunRequest;
import dev.dunning.runs.Runs;
import dev.dunning.web.Api;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Champion/challenger tests on the running application with a real database: the four-eyes approval, the arm of each
 * decision in the audit log (chained: a changed arm is found), in single decisions and in runs, the guardrails that hold in the challenger arm although
 * the challenger's rules try to lift each of them, the comparison of the arms, promotion, and the end of a test when
 * another version is activated.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"dunning.effectiveness.scheduled=false", "dunning.dispatch.scheduled=false"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChallengerTestIT {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase.freshDatabase("challenger").register(registry);
    }

    /**
     * The challenger's rules: no holds (holds.xlsx and holds.drl left out), no call limits of constraints.drl, no
     * scenarios (which would show all that), and a DRL that calls everyone who owes, at any hour, by phone first,
     * with call limits of 99 a week and none after a conversation.
     */
    static final String LIFT = """
            package dunning.lift

            import dev.dunning.decision.DunningCase;
            import dev.dunning.decision.Decision;

            global Decision decision;

            rule "Call everyone who owes"
                ruleflow-group "escalation"
                salience 1000000
            when
                DunningCase( overdue == true )
            then
                decision.propose("PHONE_CALL");
            end

            rule "Any hour, any number of calls, phone first"
                ruleflow-group "channel"
                salience 1000000
            when
                DunningCase()
            then
                decision.contactWindow(0, 24);
                decision.callLimits(99, 0);
                decision.channels("PHONE, LETTER");
            end
            """;

    @LocalServerPort
    int port;
    @Autowired
    ChallengerTests tests;
    @Autowired
    RuleSetLifecycle lifecycle;
    @Autowired
    ActiveRuleSet active;
    @Autowired
    DecisionService decisions;
    @Autowired
    DecisionEngine engine;
    @Autowired
    ChainVerifier verifier;
    @Autowired
    FactsService facts;
    @Autowired
    Summaries summaries;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    JsonMapper json;
    @Autowired
    Runs runs;
    @Autowired
    RuleSetVersions versions;
    @Autowired
    RuleSetReviews reviews;
    @Autowired
    DispatchService dispatch;

    String champion;
    String challenger;
    Api api;

    @BeforeEach
    void challengerCandidate() {
        api = new Api(port, json);
        champion = active.get().version();
        List<RuleSource> sources = new ArrayList<>(active.get().sources().stream()
                .filter(s -> !s.name().equals("decision-tables/holds.xlsx") && !s.name().equals("rules/holds.drl")
                        && !s.name().equals("rules/constraints.drl") && !s.isScenario())
                .toList());
        sources.add(new RuleSource("rules/lift.drl", LIFT.getBytes(StandardCharsets.UTF_8)));
        challenger = lifecycle.submit(sources, "alice", "lifts every guardrail it can", "test").stored().version();
    }

    @AfterEach
    void endOpenTests() {
        tests.list().stream().filter(t -> t.status() == ChallengerTests.Status.PROPOSED
                || t.status() == ChallengerTests.Status.RUNNING).forEach(t -> tests.stop(t.id(), "carol", "cleanup"));
    }

    private ChallengerTests.Test running(String share) {
        ChallengerTests.Test proposed = tests.propose(challenger.substring(0, 12), new BigDecimal(share),
                "a firmer policy", "carol");
        return tests.approve(proposed.id(), "dave");
    }

    /** Customer ids of the given arm: the arm is computed the documented way, from the test's salt and share. */
    private static List<String> idsIn(ChallengerTests.Test test, boolean challengerArm, String prefix, int n) {
        ArmAssigner arms = new ArmAssigner(test.salt(), test.shareBasisPoints());
        return IntStream.range(0, 10_000).mapToObj(i -> prefix + i)
                .filter(id -> arms.challenger(id) == challengerArm).limit(n).toList();
    }

    @Test
    void aTestIsApprovedByAnotherPersonThanItsProposerAndTheChallengersAuthor() {
        ChallengerTests.Test proposed = tests.propose(challenger, new BigDecimal("10"), "try it", "carol");
        assertThat(proposed.status()).isEqualTo(ChallengerTests.Status.PROPOSED);
        assertThat(proposed.shareBasisPoints()).isEqualTo(1_000);
        assertThat(proposed.championVersion()).isEqualTo(champion);

        assertThatThrownBy(() -> tests.approve(proposed.id(), "carol")).isInstanceOf(FourEyes.FourEyesException.class)
                .hasMessageContaining("carol");
        assertThatThrownBy(() -> tests.approve(proposed.id(), "alice")).isInstanceOf(FourEyes.FourEyesException.class)
                .hasMessageContaining("alice");
        assertThatThrownBy(() -> tests.propose(challenger, new BigDecimal("10"), null, "erin"))
                .isInstanceOf(TestStateException.class).hasMessageContaining("another champion/challenger test");
        assertThatThrownBy(() -> tests.propose(champion, new BigDecimal("10"), null, "erin"))
                .isInstanceOf(TestStateException.class);

        ChallengerTests.Test started = tests.approve(proposed.id(), "dave");
        assertThat(started.status()).isEqualTo(ChallengerTests.Status.RUNNING);
        assertThat(started.approvedBy()).isEqualTo("dave");
        assertThat(tests.serving()).get().extracting(ActiveRuleSet.Challenge::testId).isEqualTo(proposed.id());

        ChallengerTests.Test rolledBack = tests.rollBack(proposed.id(), "erin", "too many calls");
        assertThat(rolledBack.status()).isEqualTo(ChallengerTests.Status.ROLLED_BACK);
        assertThat(rolledBack.endedBy()).isEqualTo("erin");
        assertThat(tests.serving()).isEmpty();
        assertThat(active.get().version()).as("the champion stays").isEqualTo(champion);
        assertThat(tests.events(proposed.id())).extracting(ChallengerTests.Event::event, ChallengerTests.Event::principal)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("PROPOSED", "carol"),
                        org.assertj.core.groups.Tuple.tuple("APPROVED", "dave"),
                        org.assertj.core.groups.Tuple.tuple("ROLLED_BACK", "erin"));
    }

    @Test
    void theProposalIsAReviewRequestWhoseDecisionStartsOrEndsTheTest() {
        ChallengerTests.Test proposed = tests.propose(challenger, new BigDecimal("10"), "try it", "carol");
        RuleSetReviews.Review request = tests.reviewRequest(proposed).orElseThrow();
        assertThat(request.kind()).isEqualTo(RuleSetReviews.Kind.CHALLENGER_TEST);
        assertThat(request.pending()).isTrue();
        assertThat(request.detail()).isEqualTo(Long.toString(proposed.id()));
        assertThat(request.version()).isEqualTo(challenger);
        assertThat(request.activeAtRequest()).isEqualTo(champion);
        assertThat(reviews.list(RuleSetReviews.State.PENDING, 100)).extracting(RuleSetReviews.Review::id)
                .contains(request.id());

        // withdrawn by its asker: the proposal ends
        reviews.withdraw(request.id(), "carol", "not yet");
        assertThat(tests.find(proposed.id()).status()).isEqualTo(ChallengerTests.Status.STOPPED);
        assertThat(tests.find(proposed.id()).endReason()).contains("withdrawn by carol", "not yet");

        // the challenger's author approving in the queue is refused there too, and nothing starts
        ChallengerTests.Test second = tests.propose(challenger, new BigDecimal("10"), null, "carol");
        RuleSetReviews.Review secondRequest = tests.reviewRequest(second).orElseThrow();
        assertThatThrownBy(() -> reviews.approve(secondRequest.id(), "alice", null))
                .isInstanceOf(FourEyes.FourEyesException.class).hasMessageContaining("alice");
        assertThat(reviews.find(secondRequest.id()).pending()).isTrue();
        assertThat(tests.find(second.id()).status()).isEqualTo(ChallengerTests.Status.PROPOSED);
        assertThat(tests.serving()).isEmpty();

        // approved in the queue: it runs
        reviews.approve(secondRequest.id(), "dave", "ten percent is fine");
        assertThat(tests.find(second.id()).status()).isEqualTo(ChallengerTests.Status.RUNNING);
        assertThat(tests.find(second.id()).approvedBy()).isEqualTo("dave");
        assertThat(tests.serving()).get().extracting(ActiveRuleSet.Challenge::testId).isEqualTo(second.id());
        assertThat(reviews.find(secondRequest.id()).state()).isEqualTo(RuleSetReviews.State.APPROVED);
        tests.stop(second.id(), "carol", "done");

        // a proposal stopped by someone else closes its request as rejected, with the reason
        ChallengerTests.Test third = tests.propose(challenger, new BigDecimal("10"), null, "carol");
        tests.stop(third.id(), "erin", "the candidate is being reworked");
        RuleSetReviews.Review closed = tests.reviewRequest(third).orElseThrow();
        assertThat(closed.state()).isEqualTo(RuleSetReviews.State.REJECTED);
        assertThat(closed.reviewer()).isEqualTo("erin");
        assertThat(closed.reviewComment()).contains("the candidate is being reworked");
        assertThatThrownBy(() -> reviews.approve(closed.id(), "dave", null))
                .isInstanceOf(ReviewRefusedException.class);
        assertThat(tests.find(third.id()).status()).isEqualTo(ChallengerTests.Status.STOPPED);
    }

    @Test
    void everyDecisionRecordsItsArmAndVersionInTheChainedAuditLog() throws Exception {
        Instant start = ChainTampering.startAfterEarlierRecords();
        ChallengerTests.Test test = running("50");
        List<String> ids = new ArrayList<>();
        Map<String, String> armOf = new HashMap<>();
        for (boolean inChallenger : List.of(true, false)) {
            for (String customer : idsIn(test, inChallenger, "AUD-", 3)) {
                DecisionResponse d = decisions.evaluate(plainCase(customer).build(), "billing");
                assertThat(d.challengerTest()).isEqualTo(new DecisionResponse.Arm(test.id(),
                        inChallenger ? "CHALLENGER" : "CHAMPION"));
                assertThat(d.ruleSetVersion()).isEqualTo(inChallenger ? challenger : champion);
                ids.add(d.decisionId());
                armOf.put(d.decisionId(), inChallenger ? "CHALLENGER" : "CHAMPION");
            }
        }
        // The same customer, decided again: the same arm.
        String again = idsIn(test, true, "AUD-", 1).get(0);
        assertThat(decisions.evaluate(plainCase(again).build(), "billing").challengerTest().arm())
                .isEqualTo("CHALLENGER");

        for (String id : ids) {
            var row = jdbc.sql("SELECT test_id, arm, rule_set_version, content FROM audit_records "
                    + "WHERE decision_id = ?").param(id).query((rs, n) -> new Object[] {rs.getLong(1), rs.getString(2),
                            rs.getString(3), rs.getString(4)}).single();
            assertThat(row[0]).isEqualTo(test.id());
            assertThat(row[1]).isEqualTo(armOf.get(id));
            assertThat(row[2]).isEqualTo(armOf.get(id).equals("CHALLENGER") ? challenger : champion);
            JsonNode content = json.readTree((String) row[3]);
            assertThat(content.path("arm").asString()).isEqualTo(armOf.get(id));
            assertThat(content.path("testId").asLong()).isEqualTo(test.id());
        }
        assertThat(verifier.verify(start, null).broken()).as("the chain holds").isNull();

        // An arm changed behind the service's back is found: the column contradicts the chained content.
        long seq = jdbc.sql("SELECT seq FROM audit_records WHERE decision_id = ?").param(ids.get(0)).query(Long.class)
                .single();
        ChainTampering.bypassingTriggers(jdbc, () -> jdbc.sql("UPDATE audit_records SET arm = 'CHAMPION' WHERE seq = ?")
                .param(seq).update(), "audit_records");
        ChainVerifier.Result result = verifier.verify(start, null);
        assertThat(result.broken()).isNotNull();
        assertThat(result.broken().seq()).isEqualTo(seq);
        assertThat(result.broken().kind()).isEqualTo(ChainVerifier.Kind.COLUMNS);
        assertThat(result.broken().problem()).contains("arm");
    }

    /** A consumer with an invoice 31 days overdue, in Los Angeles at 11:00. */
    private static FactsBuilder plainCase(String customerId) {
        return facts().customer(aCustomer().id(customerId)).invoice(anInvoice().id(customerId + "-I").daysOverdue(31));
    }

    @Test
    void guardrailsHoldInTheChallengerArmThoughItsRulesTryToLiftThem() {
        ChallengerTests.Test test = running("50");
        List<String> ids = idsIn(test, true, "GRD-", 5);
        RuleSet challengerAlone = lifecycle.compiled(challenger);

        // A hold: the challenger has no holds rules and would call.
        FactsBuilder onHold = plainCase(ids.get(0)).hold(hold(HoldKind.PROMISE_TO_PAY, "2025-03-10", "2025-03-30"));
        assertThat(engine.evaluate(onHold.build(), challengerAlone).decidedAction()).isEqualTo(Action.PHONE_CALL);
        DecisionResponse held = decisions.evaluate(onHold.build(), "billing");
        assertThat(held.challengerTest().arm()).isEqualTo("CHALLENGER");
        assertThat(held.action()).isEqualTo("HOLD");
        assertThat(held.channel()).isEqualTo("NONE");
        assertThat(held.holdsApplied()).singleElement().satisfies(h -> assertThat(h.kind()).isEqualTo(
                HoldKind.PROMISE_TO_PAY));

        // Consent: phone first, but the customer never agreed to calls; do-not-contact: nobody writes or calls.
        FactsBuilder noPhone = facts().customer(aCustomer().id(ids.get(1)).withoutConsent(Channel.PHONE))
                .invoice(anInvoice().id(ids.get(1) + "-I").daysOverdue(31));
        DecisionResponse noCall = decisions.evaluate(noPhone.build(), "billing");
        assertThat(noCall.challengerTest().arm()).isEqualTo("CHALLENGER");
        assertThat(noCall.channel()).isNotEqualTo("PHONE");
        FactsBuilder leaveMeAlone = facts().customer(aCustomer().id(ids.get(2)).doNotContact())
                .invoice(anInvoice().id(ids.get(2) + "-I").daysOverdue(31));
        assertThat(decisions.evaluate(leaveMeAlone.build(), "billing").action()).isEqualTo("MANUAL_REVIEW");

        // Quiet hours: 03:00 in Tokyo; the challenger's window is the whole day, the champion's 8:00 to 21:00.
        FactsBuilder night = facts().customer(aCustomer().id(ids.get(3)).inTimeZone("Asia/Tokyo"))
                .invoice(anInvoice().id(ids.get(3) + "-I").daysOverdue(31));
        assertThat(engine.evaluate(night.build(), challengerAlone).getNotBefore()).isNull();
        DecisionResponse atNight = decisions.evaluate(night.build(), "billing");
        assertThat(atNight.challengerTest().arm()).isEqualTo("CHALLENGER");
        assertThat(atNight.notBefore()).as("held back to 8:00 in Tokyo").isEqualTo(
                Instant.parse("2025-03-12T23:00:00Z"));

        // Call limits (third-party collection): seven calls this week, and a conversation two days ago.
        FactsBuilder called = facts().customer(aCustomer().id(ids.get(4)).thirdPartyCollection())
                .invoice(anInvoice().id(ids.get(4) + "-I").daysOverdue(31));
        for (int day = 1; day <= 7; day++) {
            called.contact(contact(dev.dunning.decision.TestData.NOW.minus(Duration.ofHours(day * 23L)), Channel.PHONE,
                    Action.PHONE_CALL, 3, Outcome.FAILED));
        }
        Decision alone = engine.evaluate(called.build(), challengerAlone);
        assertThat(alone.getChannel()).as("the challenger alone would call").isEqualTo("PHONE");
        DecisionResponse limited = decisions.evaluate(called.build(), "billing");
        assertThat(limited.challengerTest().arm()).isEqualTo("CHALLENGER");
        assertThat(limited.channel()).isNotEqualTo("PHONE");
        assertThat(limited.reasons()).anyMatch(r -> r.contains("7 call attempts"));
        FactsBuilder talked = facts().customer(aCustomer().id(ids.get(4)).thirdPartyCollection())
                .invoice(anInvoice().id(ids.get(4) + "-I").daysOverdue(31))
                .contact(contact(dev.dunning.decision.TestData.NOW.minus(Duration.ofDays(2)), Channel.PHONE,
                        Action.PHONE_CALL, 3, Outcome.CONVERSATION));
        assertThat(engine.evaluate(talked.build(), challengerAlone).getChannel()).isEqualTo("PHONE");
        DecisionResponse afterTalk = decisions.evaluate(talked.build(), "billing");
        assertThat(afterTalk.channel()).isNotEqualTo("PHONE");
        assertThat(afterTalk.reasons()).anyMatch(r -> r.contains("conversation took place 2 day(s) ago"));
    }

    /** The dispatcher sent the decision's entry (what it records, without a mail server): its contact, entry SENT. */
    private void sent(String decisionId) {
        var entry = jdbc.sql("SELECT customer_id, channel, action FROM outbox WHERE decision_id = ?").param(decisionId)
                .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).single();
        jdbc.sql("INSERT INTO contact_attempts (customer_id, contacted_at, channel, action, stage, outcome, reference, "
                        + "recorded_at) VALUES (?, UTC_TIMESTAMP(6), ?, ?, 1, 'SENT', ?, UTC_TIMESTAMP(6))")
                .params(entry[0], entry[1], entry[2], "outbox:" + decisionId).update();
        jdbc.sql("UPDATE outbox SET status = 'SENT', sent_at = UTC_TIMESTAMP(6), contact_id = (SELECT id FROM "
                + "contact_attempts WHERE reference = ?) WHERE decision_id = ?")
                .params("outbox:" + decisionId, decisionId).update();
    }

    @Test
    void theComparisonCountsCustomersPaymentsAndAmountsPerArm() throws Exception {
        ChallengerTests.Test test = running("50");
        Map<String, Integer> paid = new HashMap<>(Map.of("CHALLENGER", 0, "CHAMPION", 0));
        Map<String, Integer> customers = new HashMap<>(Map.of("CHALLENGER", 0, "CHAMPION", 0));
        List<Runnable> payments = new ArrayList<>();
        for (boolean inChallenger : List.of(true, false)) {
            String arm = inChallenger ? "CHALLENGER" : "CHAMPION";
            List<String> ids = idsIn(test, inChallenger, "CMP-", 6);
            for (int i = 0; i < ids.size(); i++) {
                String id = ids.get(i);
                facts.upsertCustomer(aCustomer().id(id).build());
                String invoice = id + "-I";
                facts.upsertInvoice(id, anInvoice().id(invoice).amount("EUR", "100.00").daysOverdue(31).build());
                customers.merge(arm, 1, Integer::sum);
                if (i < (inChallenger ? 3 : 1)) {
                    // Sent, and the customer complained about it: 3 of 6 in the challenger arm, 1 of 6 in the other.
                    var dispatched = decisions.decideAndDispatch(id, null, "billing");
                    assertThat(dispatched.entry()).as("the decision of %s sends a message", id).isPresent();
                    sent(dispatched.decision().decisionId());
                    dispatch.record(dispatched.decision().decisionId(), ContactEventType.COMPLAINED, false,
                            Complaint.CUSTOMER, "called about the tone");
                } else {
                    decisions.decide(id, null, "billing");
                }
                if (i < (inChallenger ? 4 : 2)) {
                    paid.merge(arm, 1, Integer::sum);
                    payments.add(() -> facts.recordPayment(invoice, new FactsService.NewPayment(
                            new BigDecimal("100.00"), "EUR", Instant.now(), "P-" + invoice)));
                }
            }
        }
        payments.forEach(Runnable::run);
        summaries.catchUp();

        JsonNode report = json.readTree(api.get("/api/v1/effectiveness/challenger-tests/" + test.id() + "/comparison")
                .body());
        Map<String, JsonNode> arms = new HashMap<>();
        report.path("arms").forEach(a -> arms.put(a.path("arm").asString(), a));
        assertThat(arms.get("CHALLENGER").path("customers").asLong()).isEqualTo(6);
        assertThat(arms.get("CHALLENGER").path("paidCustomers").asLong()).isEqualTo(4);
        assertThat(arms.get("CHALLENGER").path("ruleSetVersion").asString()).isEqualTo(challenger);
        assertThat(arms.get("CHAMPION").path("customers").asLong()).isEqualTo(6);
        assertThat(arms.get("CHAMPION").path("paidCustomers").asLong()).isEqualTo(2);
        assertThat(arms.get("CHALLENGER").path("recovered").get(0).path("amount").decimalValue())
                .isEqualByComparingTo("400.00");
        assertThat(arms.get("CHAMPION").path("recovered").get(0).path("currency").asString()).isEqualTo("EUR");
        assertThat(report.path("paymentRateDifference").path("points").asDouble()).isEqualTo(33.33);
        assertThat(report.path("sentence").asString()).startsWith("After 6 customers per arm, the challenger's "
                + "payment rate is 33.3 points higher, 95 % CI ");
        assertThat(arms.get("CHALLENGER").path("complaintCustomers").asLong()).isEqualTo(3);
        assertThat(arms.get("CHALLENGER").path("complaintRate").asDouble()).isEqualTo(0.5);
        assertThat(arms.get("CHAMPION").path("complaints").asLong()).isEqualTo(1);
        assertThat(report.path("complaintRateDifference").path("points").asDouble()).isEqualTo(33.33);
        assertThat(report.path("complaintRateDifference").path("approximate").asBoolean()).isTrue();
        assertThat(report.path("complaintSentence").asString()).startsWith("The challenger's complaint rate is 33.3 "
                + "points higher, 95 % CI ");

        HttpResponse<String> csv = api.get("/api/v1/effectiveness/challenger-tests/" + test.id()
                + "/comparison?format=csv");
        assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        assertThat(csv.body()).contains("CHALLENGER," + challenger + ",6,").contains("EUR 400.00 (4 payments),3,3,0.5")
                .contains("complaint rate difference (points),33.33,");
        assertThat(api.get("/api/v1/effectiveness/challenger-tests/987654/comparison").statusCode()).isEqualTo(404);
        assertThat(api.get("/api/v1/effectiveness/challenger-tests/x1/comparison").statusCode()).isEqualTo(400);
    }

    @Test
    void aRunDecidesEachCustomerInItsArmAndRecordsIt() {
        ChallengerTests.Test test = running("50");
        ArmAssigner arms = new ArmAssigner(test.salt(), test.shareBasisPoints());
        List<String> ids = IntStream.range(0, 30).mapToObj(i -> "RUN-" + i).toList();
        for (String id : ids) {
            facts.upsertCustomer(aCustomer().id(id).in("NZ", "Pacific/Auckland", "EUR").build());
            facts.upsertInvoice(id, anInvoice().id(id + "-I").daysOverdue(31).build());
        }
        long runId = runs.start(new RunRequest(dev.dunning.decision.TestData.NOW, false, null, "NZ", null,
                "scheduler"));
        Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> runs.status(runId).orElseThrow().finished());
        Map<String, String> recorded = new HashMap<>();
        jdbc.sql("SELECT customer_id, arm FROM audit_records WHERE run_id = ? AND test_id = ?")
                .params(runId, test.id()).query(rs -> {
                    recorded.put(rs.getString(1), rs.getString(2));
                });
        assertThat(recorded).hasSize(ids.size());
        ids.forEach(id -> assertThat(recorded.get(id)).as(id).isEqualTo(arms.challenger(id) ? "CHALLENGER"
                : "CHAMPION"));
        assertThat(recorded.values()).contains("CHALLENGER", "CHAMPION");
    }

    /**
     * After a promotion, the version the challenger replaced can be put back: it passed the gates when it was in force,
     * and the challenger's builds (proposal, approval, promotion, decisions on it) must not make the same files fail
     * them now. And if the gates did fail on such a re-activation (a build that could not load a class, memory: the
     * files are the same), the version that served keeps its status and report and stays a rollback target; only a
     * candidate, which never served, is rejected for good.
     */
    @Test
    @Order(Integer.MAX_VALUE - 1)
    void theReplacedChampionCanBeActivatedAgainAfterItsChallengerWasPromoted() {
        ChallengerTests.Test test = running("50");
        String inChallenger = idsIn(test, true, "BCK-", 1).get(0);
        assertThat(decisions.evaluate(plainCase(inChallenger).build(), "billing").ruleSetVersion())
                .isEqualTo(challenger);
        tests.promote(test.id(), "dave");
        assertThat(active.get().version()).isEqualTo(challenger);
        RuleSetVersions.Stored retired = versions.find(champion).orElseThrow();
        assertThat(retired.status()).isEqualTo(RuleSetVersions.Status.RETIRED);

        // What activate records when the gates fail: the retired champion is not rewritten to REJECTED.
        String failed = json.writeValueAsString(new RuleSetLifecycle.Report("compile", List.of(), 0, List.of(),
                List.of()));
        assertThat(versions.reject(champion, failed, "dave", Instant.now(), "stopped at the compile gate with 1827 "
                + "error(s)")).isFalse();
        RuleSetVersions.Stored kept = versions.find(champion).orElseThrow();
        assertThat(kept.status()).isEqualTo(RuleSetVersions.Status.RETIRED);
        assertThat(kept.problems()).isEqualTo(retired.problems());
        assertThat(versions.events(champion)).last().satisfies(e -> {
            assertThat(e.event()).isEqualTo("ACTIVATION_FAILED");
            assertThat(e.detail()).contains("compile gate").contains("can be activated again");
        });

        lifecycle.activate(champion.substring(0, 12), "dave");
        assertThat(active.get().version()).isEqualTo(champion);
        assertThat(versions.find(champion).orElseThrow().status()).isEqualTo(RuleSetVersions.Status.ACTIVE);
        assertThat(decisions.evaluate(plainCase(inChallenger).build(), "billing").ruleSetVersion())
                .isEqualTo(champion);

        // A candidate that fails the gates on activation is rejected for good, by design.
        List<RuleSource> noted = new ArrayList<>(active.get().sources());
        noted.add(new RuleSource("rules/another-note.drl", NOTE.replace("dunning.note", "dunning.another")
                .getBytes(StandardCharsets.UTF_8)));
        String candidate = lifecycle.submit(noted, "alice", "a note", "test").stored().version();
        assertThat(versions.reject(candidate, failed, "dave", Instant.now(), "stopped at the compile gate")).isTrue();
        assertThat(versions.find(candidate).orElseThrow().status()).isEqualTo(RuleSetVersions.Status.REJECTED);
        assertThatThrownBy(() -> lifecycle.activate(candidate, "dave"))
                .isInstanceOf(dev.dunning.rulesets.CandidateRejectedException.class);
    }

    /** Last: it changes the active version for good (the tests before it run against the start-up version). */
    @Test
    @Order(Integer.MAX_VALUE)
    void anotherActivationEndsARunningTestAndPromotingActivatesTheChallenger() {
        ChallengerTests.Test first = running("20");
        String inChallenger = idsIn(first, true, "SWP-", 1).get(0);
        List<RuleSource> sources = new ArrayList<>(active.get().sources());
        sources.add(new RuleSource("rules/note.drl", NOTE.getBytes(StandardCharsets.UTF_8)));
        String other = lifecycle.submit(sources, "alice", "a note more", "test").stored().version();
        lifecycle.activate(other, "dave"); // not through the test: a swap of the active version
        assertThat(decisions.evaluate(plainCase(inChallenger).build(), "billing").challengerTest())
                .as("the test routes nobody once its champion is no longer active").isNull();
        tests.poll();
        ChallengerTests.Test ended = tests.find(first.id());
        assertThat(ended.status()).isEqualTo(ChallengerTests.Status.ENDED);
        assertThat(ended.endReason()).contains("was activated by dave");

        ChallengerTests.Test second = running("20");
        assertThat(second.championVersion()).isEqualTo(other);
        ChallengerTests.Test promoted = tests.promote(second.id(), "dave");
        assertThat(promoted.status()).isEqualTo(ChallengerTests.Status.PROMOTED);
        assertThat(promoted.endedBy()).isEqualTo("dave");
        assertThat(active.get().version()).isEqualTo(challenger);
        assertThat(tests.serving()).isEmpty();
        assertThat(decisions.evaluate(plainCase(inChallenger).build(), "billing").ruleSetVersion())
                .isEqualTo(challenger);
    }

    static final String NOTE = """
            package dunning.note

            import dev.dunning.decision.DunningCase;
            import dev.dunning.decision.Decision;

            global Decision decision;

            rule "Never fires"
                ruleflow-group "fallback"
            when
                DunningCase( customerId == "nobody at all" )
            then
                decision.because("a note");
            end
            """;

    @Test
    void badRequestsAreRefusedPlainly() throws Exception {
        HttpResponse<String> share = api.post("/api/v1/challenger-tests", """
                {"challengerVersion": "%s", "sharePercent": 75}""".formatted(challenger));
        api.assertProblem(share, 400, "invalid-request", "sharePercent");
        assertThat(share.body()).contains("0.01 to 50");
        HttpResponse<String> unknown = api.post("/api/v1/challenger-tests", """
                {"challengerVersion": "%s", "sharePercent": 10}""".formatted("0".repeat(64)));
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertThat(tests.list()).noneMatch(t -> t.status() == ChallengerTests.Status.PROPOSED);
    }
}
