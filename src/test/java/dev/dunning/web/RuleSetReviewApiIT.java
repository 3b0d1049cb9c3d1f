package dev.dunning.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.database.TestDatabase;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.security.ApiKeys;
import dev.dunning.security.Role;
import dev.dunning.security.TestCredentials;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Four eyes on activation and rollback over real HTTP and a real MariaDB of its own: a request with a comment, refused
 * to its own asker, approved by another credit controller (and then the next decision is made on the new version),
 * rejected only with a comment, withdrawn only by its asker; two approvers at once activate once; a request made
 * before another version went into force is refused; a gate that fails on approval leaves the request pending; a
 * rollback goes through the same review; a champion/challenger test waits in the same queue under the same rule.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"dunning.rule-sets.poll-interval=200ms", "dunning.security.four-eyes-relaxed=false"})
class RuleSetReviewApiIT {

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        TestDatabase.freshDatabase("rule_set_reviews").register(registry);
    }

    @LocalServerPort
    int port;
    @Autowired
    ObjectMapper json;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ActiveRuleSet active;
    @Autowired
    ApiKeys apiKeys;

    final HttpClient http = HttpClient.newHttpClient();
    private static String reviewerKey;
    private static String secondReviewerKey;

    /** The tests' default credentials: the author and asker ({@link TestCredentials#NAME}). */
    Api author() {
        return new Api(port, json);
    }

    Api reviewer() {
        return new Api(port, json, reviewerKey);
    }

    Api secondReviewer() {
        return new Api(port, json, secondReviewerKey);
    }

    @BeforeEach
    void reviewers() {
        if (reviewerKey == null) {
            reviewerKey = apiKeys.create("cc-reviewer", Set.of(Role.CREDIT_CONTROLLER, Role.AUDITOR), "test").key();
            secondReviewerKey = apiKeys.create("cc-second-reviewer", Set.of(Role.CREDIT_CONTROLLER), "test").key();
        }
    }

    @Test
    void theAskerCannotApproveAnotherControllerApprovesAndTheNextDecisionUsesTheNewVersion() throws Exception {
        String before = active.get().version();
        String candidate = upload("approve");

        HttpResponse<String> asked = author().post("/api/v1/rule-sets/" + candidate.substring(0, 12) + "/reviews",
                "{\"comment\": \"the first reminder reads too cheerful\"}");
        assertThat(asked.statusCode()).as(asked.body()).isEqualTo(201);
        JsonNode request = author().body(asked);
        long id = request.get("id").asLong();
        assertThat(asked.headers().firstValue("Location")).hasValue("/api/v1/rule-sets/reviews/" + id);
        assertThat(request.get("kind").asString()).isEqualTo("activate");
        assertThat(request.get("state").asString()).isEqualTo("pending");
        assertThat(request.get("requestedBy").asString()).isEqualTo(TestCredentials.NAME);
        assertThat(request.get("activeAtRequest").asString()).isEqualTo(before);
        assertThat(request.get("diff").asString()).isEqualTo("/api/v1/rule-sets/" + before + "/diff/" + candidate);
        assertThat(author().get("/api/v1/rule-sets/reviews?state=pending").body()).contains("\"id\":" + id);

        HttpResponse<String> again = reviewer().post("/api/v1/rule-sets/" + candidate + "/reviews",
                "{\"comment\": \"me too\"}");
        author().assertProblem(again, 409, "review-refused", null);
        assertThat(author().body(again).get("detail").asString()).contains("already waiting for review",
                "request " + id);

        HttpResponse<String> own = author().post("/api/v1/rule-sets/reviews/" + id + "/approve", "");
        author().assertProblem(own, 403, "four-eyes", null);
        assertThat(author().body(own).get("detail").asString())
                .contains("asked for by " + TestCredentials.NAME, "four-eyes principle");
        assertThat(evaluate().get("ruleSetVersion").asString()).as("refused: nothing changes").isEqualTo(before);
        assertThat(state(id)).isEqualTo("PENDING");

        HttpResponse<String> approved = reviewer().post("/api/v1/rule-sets/reviews/" + id + "/approve",
                "{\"comment\": \"checked the diff and the scenarios\"}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        assertThat(author().body(approved).get("state").asString()).isEqualTo("approved");
        assertThat(author().body(approved).get("reviewer").asString()).isEqualTo("cc-reviewer");
        assertThat(author().body(approved).get("reviewComment").asString())
                .isEqualTo("checked the diff and the scenarios");
        JsonNode decision = evaluate();
        assertThat(decision.get("ruleSetVersion").asString()).as("the next decision").isEqualTo(candidate);
        assertThat(decision.get("tone").asString()).isEqualTo("NEUTRAL");
        assertThat(jdbc.sql("SELECT activated_by FROM rule_set_active").query(String.class).single())
                .isEqualTo("cc-reviewer");

        List<String> events = new ArrayList<>();
        author().body(author().get("/api/v1/rule-sets/" + candidate + "/events"))
                .forEach(e -> events.add(e.get("event").asString() + " " + e.get("principal").asString()));
        // The approval is recorded in the activation's transaction, just before the activation it makes.
        assertThat(events).containsSubsequence("SUBMITTED " + TestCredentials.NAME,
                "REVIEW_REQUESTED " + TestCredentials.NAME, "REVIEW_APPROVED cc-reviewer", "ACTIVATED cc-reviewer");

        HttpResponse<String> twice = secondReviewer().post("/api/v1/rule-sets/reviews/" + id + "/approve", "");
        author().assertProblem(twice, 409, "review-refused", null);
        assertThat(author().body(twice).get("detail").asString()).contains("approved by cc-reviewer");
    }

    @Test
    void aRejectionNeedsACommentAndOnlyTheAskerMayWithdraw() throws Exception {
        String before = active.get().version();
        String candidate = upload("reject");
        long id = ask(candidate, "try the neutral tone");

        author().assertProblem(reviewer().post("/api/v1/rule-sets/reviews/" + id + "/reject", "{}"), 400,
                "invalid-request", "comment");
        author().assertProblem(reviewer().post("/api/v1/rule-sets/reviews/" + id + "/reject",
                "{\"comment\": \"   \"}"), 400, "invalid-request", "comment");
        author().assertProblem(reviewer().post("/api/v1/rule-sets/reviews/" + id + "/reject",
                "{\"comment\": \"" + "x".repeat(2001) + "\"}"), 400, "invalid-request", "comment");
        assertThat(state(id)).as("refused: nothing recorded").isEqualTo("PENDING");
        author().assertProblem(author().post("/api/v1/rule-sets/reviews/" + id + "/reject",
                "{\"comment\": \"my own\"}"), 403, "four-eyes", null);

        HttpResponse<String> rejected = reviewer().post("/api/v1/rule-sets/reviews/" + id + "/reject",
                "{\"comment\": \"the scenarios do not cover business customers\"}");
        assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(200);
        assertThat(author().body(rejected).get("state").asString()).isEqualTo("rejected");
        assertThat(author().body(rejected).get("reviewComment").asString())
                .isEqualTo("the scenarios do not cover business customers");
        assertThat(active.get().version()).isEqualTo(before);
        assertThat(events(candidate)).contains("REVIEW_REJECTED cc-reviewer").doesNotContain("ACTIVATED cc-reviewer");
        author().assertProblem(reviewer().post("/api/v1/rule-sets/reviews/" + id + "/approve", ""), 409,
                "review-refused", null);

        long second = ask(candidate, "added the business scenarios elsewhere");
        HttpResponse<String> notYours = reviewer().post("/api/v1/rule-sets/reviews/" + second + "/withdraw", "");
        author().assertProblem(notYours, 409, "review-refused", null);
        assertThat(author().body(notYours).get("detail").asString()).contains("only they may withdraw it");
        HttpResponse<String> withdrawn = author().post("/api/v1/rule-sets/reviews/" + second + "/withdraw",
                "{\"comment\": \"not needed after all\"}");
        assertThat(withdrawn.statusCode()).as(withdrawn.body()).isEqualTo(200);
        assertThat(author().body(withdrawn).get("state").asString()).isEqualTo("withdrawn");
        assertThat(events(candidate)).contains("REVIEW_WITHDRAWN " + TestCredentials.NAME);
        assertThat(active.get().version()).isEqualTo(before);
    }

    @Test
    void twoApproversAtOnceActivateOnce() throws Exception {
        String candidate = upload("concurrent");
        long id = ask(candidate, "two reviewers at once");
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (Api api : List.of(reviewer(), secondReviewer())) {
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return api.post("/api/v1/rule-sets/reviews/" + id + "/approve", "");
            }));
        }
        start.countDown();
        List<Integer> statuses = answers.stream().map(f -> f.join().statusCode()).sorted().toList();

        assertThat(statuses).as(answers.stream().map(f -> f.join().body()).toList().toString()).containsExactly(200, 409);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM rule_set_events WHERE version = ? AND event = 'ACTIVATED'")
                .param(candidate).query(Integer.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM rule_set_events WHERE version = ? AND event = 'REVIEW_APPROVED'")
                .param(candidate).query(Integer.class).single()).isEqualTo(1);
        assertThat(active.get().version()).isEqualTo(candidate);
    }

    @Test
    void aRequestMadeBeforeAnotherVersionWentIntoForceIsRefused() throws Exception {
        String before = active.get().version();
        String first = upload("stale one");
        String second = upload("stale two");
        long stale = ask(first, "the first idea");
        long fresh = ask(second, "the second idea");
        assertThat(reviewer().post("/api/v1/rule-sets/reviews/" + fresh + "/approve", "").statusCode())
                .isEqualTo(200);

        HttpResponse<String> refused = reviewer().post("/api/v1/rule-sets/reviews/" + stale + "/approve", "");
        author().assertProblem(refused, 409, "review-stale", null);
        assertThat(author().body(refused).get("detail").asString()).contains(
                "was made while version " + before.substring(0, 12) + " was in force",
                "version " + second.substring(0, 12) + " (activated by cc-reviewer", "ask again");
        assertThat(active.get().version()).isEqualTo(second);
        assertThat(state(stale)).isEqualTo("PENDING");
        assertThat(author().body(author().get("/api/v1/rule-sets/reviews/" + stale)).get("stale").asString())
                .contains("ask again");
        assertThat(evaluate().get("ruleSetVersion").asString()).isEqualTo(second);
    }

    @Test
    void aGateThatFailsOnApprovalLeavesTheRequestPendingWithTheReason() throws Exception {
        String before = active.get().version();
        String candidate = upload("altered");
        long id = ask(candidate, "will be tampered with");
        // A stored file renamed in the database: the files no longer hash to the version, so it is never compiled.
        String name = jdbc.sql("SELECT MIN(name) FROM rule_set_version_files WHERE version = ?").param(candidate)
                .query(String.class).single();
        String rename = "UPDATE rule_set_version_files SET name = ? WHERE version = ? AND name = ?";
        bypassingTriggers(() -> jdbc.sql(rename).params(name + ".tampered", candidate, name).update());
        try {
            HttpResponse<String> failed = reviewer().post("/api/v1/rule-sets/reviews/" + id + "/approve", "");
            author().assertProblem(failed, 409, "rule-set-altered", null);
            assertThat(active.get().version()).isEqualTo(before);
            JsonNode request = author().body(author().get("/api/v1/rule-sets/reviews/" + id));
            assertThat(request.get("state").asString()).isEqualTo("pending");
            assertThat(request.get("lastFailure").asString()).contains("do not hash to it");
            assertThat(events(candidate)).contains("REVIEW_FAILED cc-reviewer");
        } finally {
            bypassingTriggers(() -> jdbc.sql(rename).params(name, candidate, name + ".tampered").update());
        }
        assertThat(reviewer().post("/api/v1/rule-sets/reviews/" + id + "/approve", "").statusCode()).isEqualTo(200);
        assertThat(active.get().version()).isEqualTo(candidate);
    }

    @Test
    void aRollbackGoesThroughTheSameReview() throws Exception {
        String before = active.get().version();
        String candidate = upload("rollback");
        assertThat(reviewer().post("/api/v1/rule-sets/reviews/" + ask(candidate, "new tone") + "/approve", "")
                .statusCode()).isEqualTo(200);
        assertThat(evaluate().get("ruleSetVersion").asString()).isEqualTo(candidate);

        HttpResponse<String> direct = reviewer().post("/api/v1/rule-sets/" + before + "/activate", "");
        author().assertProblem(direct, 403, "four-eyes", null);
        assertThat(author().body(direct).get("detail").asString()).contains("needs a second person",
                "/api/v1/rule-sets/" + before + "/reviews");
        assertThat(active.get().version()).isEqualTo(candidate);

        HttpResponse<String> asked = reviewer().post("/api/v1/rule-sets/" + before + "/reviews",
                "{\"comment\": \"customers complained, back to the version before\"}");
        assertThat(asked.statusCode()).as(asked.body()).isEqualTo(201);
        assertThat(author().body(asked).get("kind").asString()).isEqualTo("rollback");
        long id = author().body(asked).get("id").asLong();
        author().assertProblem(reviewer().post("/api/v1/rule-sets/reviews/" + id + "/approve", ""), 403,
                "four-eyes", null);

        HttpResponse<String> approved = author().post("/api/v1/rule-sets/reviews/" + id + "/approve", "");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        assertThat(evaluate().get("ruleSetVersion").asString()).isEqualTo(before);
        assertThat(events(before)).containsSubsequence("REVIEW_REQUESTED cc-reviewer",
                "REVIEW_APPROVED " + TestCredentials.NAME, "ACTIVATED " + TestCredentials.NAME);
        author().assertProblem(author().post("/api/v1/rule-sets/" + before + "/reviews",
                "{\"comment\": \"again\"}"), 409, "review-refused", null);
    }

    @Test
    void aChallengerTestWaitsInTheSameQueueUnderTheSameFourEyesRule() throws Exception {
        String before = active.get().version();
        String candidate = upload("challenger");
        long test = propose(candidate, "firmer wording for small businesses");
        long id = author().body(author().get("/api/v1/challenger-tests/" + test)).get("reviewRequest").asLong();
        try {
            JsonNode request = author().body(author().get("/api/v1/rule-sets/reviews/" + id));
            assertThat(request.get("kind").asString()).isEqualTo("challenger_test");
            assertThat(request.get("state").asString()).isEqualTo("pending");
            assertThat(request.get("challengerTest").asLong()).isEqualTo(test);
            assertThat(request.get("activeAtRequest").asString()).isEqualTo(before);
            assertThat(request.get("requestedBy").asString()).isEqualTo(TestCredentials.NAME);
            assertThat(request.get("comment").asString()).contains("test " + test, "10 % of customers",
                    "firmer wording for small businesses");
            assertThat(author().get("/api/v1/rule-sets/reviews?state=pending").body()).contains("\"id\":" + id);

            // the asker approves neither in the queue nor through the test's own endpoint
            author().assertProblem(author().post("/api/v1/rule-sets/reviews/" + id + "/approve", ""), 403,
                    "four-eyes", null);
            author().assertProblem(author().post("/api/v1/challenger-tests/" + test + "/approve", ""), 403,
                    "four-eyes", null);
            assertThat(testStatus(test)).isEqualTo("PROPOSED");

            // rejected in the queue: the proposal ends, nothing runs
            author().assertProblem(reviewer().post("/api/v1/rule-sets/reviews/" + id + "/reject", "{}"), 400,
                    "invalid-request", "comment");
            HttpResponse<String> rejected = reviewer().post("/api/v1/rule-sets/reviews/" + id + "/reject",
                    "{\"comment\": \"ten percent is too many for a first try\"}");
            assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(200);
            JsonNode stopped = author().body(author().get("/api/v1/challenger-tests/" + test));
            assertThat(stopped.get("status").asString()).isEqualTo("STOPPED");
            assertThat(stopped.get("endedBy").asString()).isEqualTo("cc-reviewer");
            assertThat(stopped.get("endReason").asString()).contains("rejected by cc-reviewer",
                    "ten percent is too many");
        } finally {
            author().post("/api/v1/challenger-tests/" + test + "/stop", "{\"reason\": \"cleanup\"}");
        }

        // proposed again and approved through the test's endpoint: that approves its request in the queue
        long again = propose(candidate, "five percent then");
        try {
            long second = author().body(author().get("/api/v1/challenger-tests/" + again)).get("reviewRequest")
                    .asLong();
            HttpResponse<String> approved = reviewer().post("/api/v1/challenger-tests/" + again + "/approve", "");
            assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
            assertThat(author().body(approved).get("status").asString()).isEqualTo("RUNNING");
            assertThat(author().body(approved).get("approvedBy").asString()).isEqualTo("cc-reviewer");
            JsonNode request = author().body(author().get("/api/v1/rule-sets/reviews/" + second));
            assertThat(request.get("state").asString()).isEqualTo("approved");
            assertThat(request.get("reviewer").asString()).isEqualTo("cc-reviewer");
            author().assertProblem(secondReviewer().post("/api/v1/rule-sets/reviews/" + second + "/approve", ""),
                    409, "review-refused", null);
            assertThat(events(candidate)).containsSubsequence("REVIEW_REQUESTED " + TestCredentials.NAME,
                    "REVIEW_REJECTED cc-reviewer", "REVIEW_REQUESTED " + TestCredentials.NAME,
                    "REVIEW_APPROVED cc-reviewer");
            assertThat(active.get().version()).as("a test activates nothing").isEqualTo(before);
        } finally {
            HttpResponse<String> stop = author().post("/api/v1/challenger-tests/" + again + "/stop",
                    "{\"reason\": \"cleanup\"}");
            assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
        }
    }

    private long propose(String candidate, String comment) {
        HttpResponse<String> proposed = author().post("/api/v1/challenger-tests", "{\"challengerVersion\": \""
                + candidate + "\", \"sharePercent\": 10, \"comment\": \"" + comment + "\"}");
        assertThat(proposed.statusCode()).as(proposed.body()).isEqualTo(201);
        return author().body(proposed).get("id").asLong();
    }

    private String testStatus(long test) {
        return author().body(author().get("/api/v1/challenger-tests/" + test)).get("status").asString();
    }

    /**
     * Tampering as a database administrator would (the table is append-only for the application): its triggers
     * dropped, the change made, the triggers put back (as audit's ChainTampering does).
     */
    private void bypassingTriggers(Runnable tamper) {
        List<String> definitions = new ArrayList<>();
        for (String trigger : jdbc.sql("SELECT trigger_name FROM information_schema.triggers "
                + "WHERE event_object_schema = DATABASE() AND event_object_table = 'rule_set_version_files'")
                .query(String.class).list()) {
            definitions.add(jdbc.sql("SHOW CREATE TRIGGER " + trigger)
                    .query((rs, n) -> rs.getString("SQL Original Statement")).single()
                    .replaceFirst("DEFINER=\\S+ ", ""));
            jdbc.sql("DROP TRIGGER " + trigger).update();
        }
        try {
            tamper.run();
        } finally {
            definitions.forEach(d -> jdbc.sql(d).update());
        }
    }

    private long ask(String version, String comment) {
        HttpResponse<String> asked = author().post("/api/v1/rule-sets/" + version + "/reviews",
                "{\"comment\": \"" + comment + "\"}");
        assertThat(asked.statusCode()).as(asked.body()).isEqualTo(201);
        return author().body(asked).get("id").asLong();
    }

    private String state(long id) {
        return jdbc.sql("SELECT state FROM rule_set_reviews WHERE id = ?").param(id).query(String.class).single();
    }

    private List<String> events(String version) {
        List<String> events = new ArrayList<>();
        author().body(author().get("/api/v1/rule-sets/" + version + "/events"))
                .forEach(e -> events.add(e.get("event").asString() + " " + e.get("principal").asString()));
        return events;
    }

    private JsonNode evaluate() {
        HttpResponse<String> response = author().post("/api/v1/decisions/evaluate", DecisionApiIT.EXAMPLE);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return author().body(response);
    }

    /** A candidate of its own (the marker makes the content unique), uploaded by the author; its version. */
    private String upload(String marker) throws Exception {
        String boundary = "----review-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"policy.zip\""
                + "\r\nContent-Type: application/zip\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(RuleSetApiIT.neutralFirstReminderZip(marker + " " + UUID.randomUUID()));
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/v1/rule-sets?scope=whole&comment=neutral"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return author().body(response).get("version").asString();
    }
}
