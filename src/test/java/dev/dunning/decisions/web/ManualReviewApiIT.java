package dev.dunning.decisions.web;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.database.TestDatabase;
import dev.dunning.decision.Action;
import dev.dunning.decision.Channel;
import dev.dunning.decision.ContactAttempt;
import dev.dunning.decision.Outcome;
import dev.dunning.decisions.DecisionResponse;
import dev.dunning.decisions.DecisionService;
import dev.dunning.facts.FactsService;
import dev.dunning.security.ApiKeys;
import dev.dunning.security.Role;
import dev.dunning.web.Api;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The manual-review queue over the API, on a database of its own: a credit controller records that a customer's
 * manual review is dealt with (in their own name, with a note), a second time is refused with 409 and a blank note
 * with 400, both with nothing written; the queue has one entry per customer, its latest MANUAL_REVIEW decision, and a
 * newer one after a review was dealt with opens the customer's entry again.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ManualReviewApiIT {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.freshDatabase("mrqueue").register(registry);
        registry.add("dunning.database.demo-data", () -> "false");
    }

    @LocalServerPort
    int port;
    @Autowired
    ApiKeys keys;
    @Autowired
    FactsService facts;
    @Autowired
    DecisionService decisions;
    @Autowired
    ManualReviewQueue queue;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    JsonMapper json;

    Api controller;
    Api auditor;
    String controllerName;

    @BeforeEach
    void setUp() {
        controllerName = "mr-controller-" + System.nanoTime();
        controller = new Api(port, json, keys.create(controllerName, EnumSet.of(Role.CREDIT_CONTROLLER), "test").key());
        auditor = new Api(port, json, keys.create("mr-auditor-" + System.nanoTime(), EnumSet.of(Role.AUDITOR), "test")
                .key());
    }

    @Test
    void aControllerDealsWithAReviewInTheirOwnNameAndASecondTimeIsAConflictThatWritesNothing() {
        String customer = vulnerableCustomer("DEAL");
        String id = manualReview(customer);
        assertThat(ids(open(customer))).containsExactly(id);

        HttpResponse<String> dealt = controller.post("/api/v1/manual-reviews/" + id + "/dealt-with", """
                {"note": "  Spoke to the customer's carer; payment plan agreed.  "}""");
        assertThat(dealt.statusCode()).as(dealt.body()).isEqualTo(200);
        JsonNode review = json.readTree(dealt.body());
        assertThat(review.get("decisionId").asString()).isEqualTo(id);
        assertThat(review.get("dealtWith").get("by").asString()).isEqualTo(controllerName);
        assertThat(review.get("dealtWith").get("note").asString())
                .isEqualTo("Spoke to the customer's carer; payment plan agreed.");
        assertThat(review.get("dealtWith").get("reopened").asBoolean()).isFalse();

        assertThat(ids(open(customer))).as("dealt with: it leaves the open queue").isEmpty();
        JsonNode done = list("?state=DEALT_WITH&customerId=" + customer);
        assertThat(ids(done)).containsExactly(id);
        assertThat(done.get("reviews").get(0).get("dealtWith").get("by").asString()).isEqualTo(controllerName);
        assertThat(done.get("reviews").get(0).get("reasons").toString()).contains("vulnerable");

        HttpResponse<String> again = controller.post("/api/v1/manual-reviews/" + id + "/dealt-with", """
                {"note": "called again"}""");
        controller.assertProblem(again, 409, "conflict", "decisionId");
        assertThat(json.readTree(again.body()).get("detail").asString()).startsWith("decisionId: the manual review "
                + "of decision " + id + " was dealt with already, by " + controllerName + " at ");
        assertThat(notes(id)).containsExactly("Spoke to the customer's carer; payment plan agreed.");

        // An auditor reads the queue but records nothing.
        assertThat(auditor.get("/api/v1/manual-reviews?state=DEALT_WITH&customerId=" + customer).statusCode())
                .isEqualTo(200);
        assertThat(auditor.post("/api/v1/manual-reviews/" + id + "/dealt-with", """
                {"note": "seen"}""").statusCode()).isEqualTo(403);
    }

    @Test
    void aBlankNoteIsRefusedAndNothingIsWritten() {
        String customer = vulnerableCustomer("BLANK");
        String id = manualReview(customer);
        for (String body : List.of("{\"note\": \"   \"}", "{}", "{\"note\": \"" + "x".repeat(2001) + "\"}")) {
            HttpResponse<String> refused = controller.post("/api/v1/manual-reviews/" + id + "/dealt-with", body);
            controller.assertProblem(refused, 400, "invalid-request", "note");
        }
        assertThat(notes(id)).isEmpty();
        assertThat(ids(open(customer))).containsExactly(id);
    }

    @Test
    void onlyAManualReviewThatExistsAndIsTheCustomersLatestCanBeDealtWith() {
        controller.assertProblem(controller.post("/api/v1/manual-reviews/00000000-0000-0000-0000-000000000000"
                + "/dealt-with", "{\"note\": \"done\"}"), 404, "not-found", null);

        String plain = "PLAIN-" + Long.toString(System.nanoTime(), 36);
        facts.upsertCustomer(aCustomer().id(plain).consumer().in("US", "America/New_York", "USD").build());
        facts.upsertInvoice(plain, anInvoice().id(plain + "-I1").amount("USD", "120.00")
                .due(LocalDate.now(ZoneId.of("America/New_York")).minusDays(10).toString()).build());
        DecisionResponse reminder = decisions.decide(plain, null, "billing-test");
        assertThat(reminder.action()).isNotEqualTo("MANUAL_REVIEW");
        HttpResponse<String> notAReview = controller.post("/api/v1/manual-reviews/" + reminder.decisionId()
                + "/dealt-with", "{\"note\": \"done\"}");
        controller.assertProblem(notAReview, 409, "conflict", "decisionId");
        assertThat(json.readTree(notAReview.body()).get("detail").asString()).contains("not MANUAL_REVIEW");

        String customer = vulnerableCustomer("OLDER");
        String older = manualReview(customer);
        String newer = manualReview(customer);
        HttpResponse<String> stale = controller.post("/api/v1/manual-reviews/" + older + "/dealt-with",
                "{\"note\": \"done\"}");
        controller.assertProblem(stale, 409, "conflict", "decisionId");
        assertThat(json.readTree(stale.body()).get("detail").asString()).contains("has a newer manual review, "
                + "decision " + newer);
        assertThat(notes(older)).isEmpty();
        assertThat(notes(reminder.decisionId())).isEmpty();
    }

    @Test
    void theQueueHasOneEntryPerCustomerAndANewerDecisionOpensADealtWithReviewAgain() {
        String first = vulnerableCustomer("ONE");
        String second = vulnerableCustomer("TWO");
        String firstOlder = manualReview(first);
        String secondOnly = manualReview(second);
        String firstLatest = manualReview(first);

        // One per customer, newest first: the first customer's latest decision only (the other tests' customers
        // share the database; theirs are older).
        assertThat(ids(list("?limit=500"))).startsWith(firstLatest, secondOnly).doesNotContain(firstOlder);
        assertThat(ids(open(first))).containsExactly(firstLatest);
        // Paging: one a page, and the cursor leads to the next customer.
        JsonNode page1 = list("?limit=1");
        assertThat(ids(page1)).containsExactly(firstLatest);
        JsonNode page2 = list("?limit=1&before=" + page1.get("before").asLong());
        assertThat(ids(page2)).containsExactly(secondOnly);

        assertThat(controller.post("/api/v1/manual-reviews/" + firstLatest + "/dealt-with",
                "{\"note\": \"Payment plan agreed with the customer's daughter.\"}").statusCode()).isEqualTo(200);
        assertThat(ids(list("?limit=500"))).as("the first customer's older decision does not come back")
                .startsWith(secondOnly).doesNotContain(firstLatest, firstOlder);
        assertThat(ids(open(first))).isEmpty();

        // The next nightly run sends the customer to a person again: the entry is open again, with the new decision.
        String reopening = manualReview(first);
        assertThat(ids(open(first))).containsExactly(reopening);
        assertThat(ids(list("?limit=500"))).startsWith(reopening, secondOnly).doesNotContain(firstLatest, firstOlder);
        JsonNode done = list("?state=DEALT_WITH&customerId=" + first);
        assertThat(ids(done)).containsExactly(firstLatest);
        assertThat(done.get("reviews").get(0).get("dealtWith").get("reopened").asBoolean()).isTrue();
    }

    /**
     * The log is read through indexes only: the latest decision per customer from the (action, customer_id, seq) index
     * alone, the page's rows by primary key, the dealt-with records by their own keys. The only sort is of the latest
     * decisions per customer (at most one per customer in manual review), never of the log.
     */
    @Test
    void theQueueIsReadThroughIndexesWithoutScanningTheLog() {
        String customer = vulnerableCustomer("PLAN");
        manualReview(customer);
        List<String> one = queue.explainOpen(customer, null, 51);
        System.out.println("EXPLAIN manual-review queue, one customer: " + one);
        assertThat(one).as("%s", one).filteredOn(row -> !row.contains("table=<derived"))
                .noneSatisfy(row -> assertThat(row).containsAnyOf("type=ALL", "filesort", "temporary", "type=index "));
        for (List<String> plan : List.of(queue.explainOpen(null, null, 51), queue.explainOpen(null, 1_000_000L, 51))) {
            System.out.println("EXPLAIN manual-review queue, open: " + plan);
            assertThat(plan).as("%s", plan).anySatisfy(row -> assertThat(row).contains("table=l ",
                    "key=audit_records_action_customer_seq", "Using index"));
            assertThat(plan).as("%s", plan).anySatisfy(row -> assertThat(row).contains("table=r type=eq_ref key=PRIMARY"));
            assertThat(plan).as("%s", plan).anySatisfy(row -> assertThat(row).contains("table=d ",
                    "key=manual_reviews_dealt_with_seq"));
            assertThat(plan).as("%s", plan).filteredOn(row -> !row.contains("table=<derived"))
                    .noneSatisfy(row -> assertThat(row).containsAnyOf("type=ALL", "filesort"));
        }
        for (List<String> plan : List.of(queue.explainDealtWith(null, null, 51),
                queue.explainDealtWith(customer, 5L, 51))) {
            System.out.println("EXPLAIN manual-review queue, dealt with: " + plan);
            assertThat(plan).as("%s", plan).anySatisfy(row -> assertThat(row).contains("table=r type=eq_ref key=PRIMARY"));
            assertThat(plan).as("%s", plan).anySatisfy(row -> assertThat(row).contains("table=n ",
                    "key=audit_records_action_customer_seq"));
            assertThat(plan).as("%s", plan).noneSatisfy(row -> assertThat(row).containsAnyOf("type=ALL", "filesort",
                    "temporary"));
        }
    }

    private JsonNode open(String customer) {
        return list("?customerId=" + customer);
    }

    private JsonNode list(String query) {
        HttpResponse<String> response = controller.get("/api/v1/manual-reviews" + query);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private static List<String> ids(JsonNode page) {
        return page.get("reviews").valueStream().map(r -> r.get("decisionId").asString()).toList();
    }

    private List<String> notes(String decisionId) {
        return jdbc.sql("SELECT note FROM manual_reviews_dealt_with WHERE decision_id = ?").param(decisionId)
                .query(String.class).list();
    }

    /** A vulnerable consumer past a reminder: the rules send them to a person (see CustomerPagesIT). */
    private String vulnerableCustomer(String prefix) {
        String id = prefix + "-" + Long.toString(System.nanoTime(), 36);
        facts.upsertCustomer(aCustomer().id(id).consumer().vulnerable().in("US", "America/New_York", "USD").build());
        facts.upsertInvoice(id, anInvoice().id(id + "-I1").amount("USD", "120.00")
                .due(LocalDate.now(ZoneId.of("America/New_York")).minusDays(46).toString()).build());
        facts.recordContact(id, new ContactAttempt(Instant.now().minus(Duration.ofDays(20)), Channel.EMAIL,
                Action.REMINDER, 3, Outcome.DELIVERED), null);
        return id;
    }

    private String manualReview(String customer) {
        DecisionResponse made = decisions.decide(customer, null, "billing-test");
        assertThat(made.action()).as("a final notice, redirected to a person").isEqualTo("MANUAL_REVIEW");
        return made.decisionId();
    }
}
