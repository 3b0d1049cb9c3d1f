package dev.dunning.web;

import java.time.Duration;
import java.time.Instant;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.Awaitility;
import java.util.Set;
import dev.dunning.security.TestCredentials;
import dev.dunning.security.Role;
import dev.dunning.security.ApiKeys;
import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.database.TestDatabase;
import dev.dunning.decision.Segment;
import dev.dunning.facts.FactsService;
import dev.dunning.rules.ActiveRuleSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The rule-set lifecycle over real HTTP and a real MariaDB of its own (these tests change the active version):
 * uploads through the gates, activation and rollback changing what evaluate answers, a rejected candidate leaving the
 * active version serving, the diff of a changed cell, upload limits, and a second instance following a switch.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "dunning.rule-sets.poll-interval=200ms", "dunning.rule-sets.max-upload-size=200KB",
    // The multipart limits follow the import limit: 1 MB here, so a test can send more than that cheaply.
    "dunning.import.max-upload-size=1MB",
    // A background simulation stuck in a rule is given up after 5 s here, not 5 minutes (see the test).
    "dunning.rule-sets.simulation-heartbeat=250ms", "dunning.rule-sets.simulation-stall=5s"})
class RuleSetApiIT {

    static TestDatabase.Connection db;

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        db = TestDatabase.freshDatabase("rule_sets");
        db.register(registry);
    }

    static final String TON_01 = "TON-01,REMINDER,1,1,CONSUMER,,,,FRIENDLY";
    static final String NEUTRAL_SCENARIO = "scenario,invoices,action,channel,tone,stage\r\n"
            + "The first reminder to a consumer is neutral,I-1 USD 120.00 overdue 3,REMINDER,EMAIL,NEUTRAL,1\r\n";

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ActiveRuleSet active;

    @Autowired
    FactsService facts;

    final HttpClient http = HttpClient.newHttpClient();

    @Autowired
    ApiKeys apiKeys;

    private static String secondController;

    Api api() {
        return new Api(port, json);
    }

    /** A second credit controller: four-eyes lets only someone other than a candidate's author activate it. */
    Api colleague() {
        if (secondController == null) {
            secondController = apiKeys.create("cc-colleague", Set.of(Role.CREDIT_CONTROLLER, Role.AUDITOR), "test")
                    .key();
        }
        return new Api(port, json, secondController);
    }

    /**
     * The shipped set with the first consumer reminder neutral, and a scenario that says so; {@code marker} goes into a
     * parked scenario line, so that each test gets a version of its own.
     */
    static byte[] neutralFirstReminderZip(String marker) throws IOException {
        Map<String, byte[]> files = shippedFiles();
        files.remove("scenarios/default-policy.csv");
        files.put("decision-tables/tone.csv", new String(files.get("decision-tables/tone.csv"), StandardCharsets.UTF_8)
                .replace(TON_01, "TON-01,REMINDER,1,1,CONSUMER,,,,NEUTRAL").getBytes(StandardCharsets.UTF_8));
        files.put("scenarios/neutral.csv", (NEUTRAL_SCENARIO + "# " + marker + "\r\n").getBytes(StandardCharsets.UTF_8));
        return zip(files);
    }

    static Map<String, byte[]> shippedFiles() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String dir : List.of("rules", "decision-tables", "scenarios")) {
            try (Stream<Path> walk = Files.list(Path.of(dir))) {
                for (Path p : walk.sorted().toList()) {
                    files.put(dir + "/" + p.getFileName(), Files.readAllBytes(p));
                }
            }
        }
        return files;
    }

    static byte[] zip(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (var e : files.entrySet()) {
                zip.putNextEntry(new ZipEntry("my-policy/" + e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    HttpResponse<String> upload(String path, String filename, byte[] content) {
        String boundary = "----rule-set-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A rollback with four eyes: asked for by one credit controller, approved by the other, whose direct activation
     * approves the pending request.
     */
    HttpResponse<String> rollBack(String version) {
        HttpResponse<String> asked = api().post("/api/v1/rule-sets/" + version + "/reviews",
                "{\"comment\": \"back to the version before\"}");
        assertThat(asked.statusCode()).as(asked.body()).isEqualTo(201);
        return colleague().post("/api/v1/rule-sets/" + version + "/activate", "");
    }

    JsonNode evaluate() {
        HttpResponse<String> response = api().post("/api/v1/decisions/evaluate", DecisionApiIT.EXAMPLE);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return api().body(response);
    }

    static String tone() throws IOException {
        return Files.readString(Path.of("decision-tables", "tone.csv"));
    }

    @Test
    void activationAndRollbackChangeWhatEvaluateAnswersAndEachDecisionNamesItsVersion() throws Exception {
        String shipped = active.get().version();
        assertThat(evaluate().get("tone").asString()).isEqualTo("FRIENDLY");

        HttpResponse<String> submitted = upload("/api/v1/rule-sets?comment=neutral%20first%20reminder&scope=whole",
                "policy.zip", neutralFirstReminderZip("activation"));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
        String candidate = api().body(submitted).get("version").asString();
        assertThat(api().body(submitted).get("status").asString()).isEqualTo("CANDIDATE");
        assertThat(api().body(submitted).get("author").asString()).isEqualTo(TestCredentials.NAME);
        assertThat(evaluate().get("tone").asString()).as("a candidate changes nothing").isEqualTo("FRIENDLY");

        HttpResponse<String> own = api().post("/api/v1/rule-sets/" + candidate.substring(0, 12) + "/activate", "");
        api().assertProblem(own, 403, "four-eyes", null);
        assertThat(api().body(own).get("detail").asString()).contains(TestCredentials.NAME, "four-eyes");
        assertThat(evaluate().get("tone").asString()).as("refused by four-eyes: nothing changes").isEqualTo("FRIENDLY");
        assertThat(jdbc.sql("SELECT status FROM rule_set_versions WHERE version = ?").param(candidate)
                .query(String.class).single()).isEqualTo("CANDIDATE");

        HttpResponse<String> activated = colleague().post("/api/v1/rule-sets/" + candidate.substring(0, 12)
                + "/activate", "");
        assertThat(activated.statusCode()).as(activated.body()).isEqualTo(200);
        assertThat(api().body(activated).get("status").asString()).isEqualTo("ACTIVE");
        assertThat(api().body(activated).get("author").asString()).isEqualTo(TestCredentials.NAME);
        assertThat(api().body(activated).get("activatedBy").asString()).isEqualTo("cc-colleague");
        JsonNode after = evaluate();
        assertThat(after.get("tone").asString()).isEqualTo("NEUTRAL");
        assertThat(after.get("ruleSetVersion").asString()).isEqualTo(candidate);

        HttpResponse<String> decided = api().post("/api/v1/decisions/evaluate", DecisionApiIT.EXAMPLE);
        String decisionId = api().body(decided).get("decisionId").asString();
        assertThat(jdbc.sql("SELECT rule_set_version FROM audit_records WHERE decision_id = ?").param(decisionId)
                .query(String.class).single()).isEqualTo(candidate);

        HttpResponse<String> direct = api().post("/api/v1/rule-sets/" + shipped + "/activate", "");
        api().assertProblem(direct, 403, "four-eyes", null);
        assertThat(api().body(direct).get("detail").asString()).contains("/reviews");
        assertThat(evaluate().get("ruleSetVersion").asString()).as("a rollback needs a second person")
                .isEqualTo(candidate);
        HttpResponse<String> rolledBack = rollBack(shipped);
        assertThat(rolledBack.statusCode()).as(rolledBack.body()).isEqualTo(200);
        assertThat(evaluate().get("tone").asString()).isEqualTo("FRIENDLY");
        assertThat(evaluate().get("ruleSetVersion").asString()).isEqualTo(shipped);

        JsonNode history = api().body(api().get("/api/v1/rule-sets"));
        assertThat(history.get("serving").asString()).isEqualTo(shipped);
        Map<String, String> statuses = new LinkedHashMap<>();
        history.get("versions").forEach(v -> statuses.put(v.get("version").asString(), v.get("status").asString()));
        assertThat(statuses).containsEntry(shipped, "ACTIVE").containsEntry(candidate, "RETIRED");
        JsonNode view = api().body(api().get("/api/v1/rule-sets/" + candidate));
        List<String> events = new ArrayList<>();
        view.get("history").forEach(e -> events.add(e.get("event").asString()));
        assertThat(events).containsExactly("SUBMITTED", "ACTIVATED", "RETIRED");
        assertThat(view.get("comment").asString()).isEqualTo("neutral first reminder");
    }

    @Test
    void aRejectedCandidateIsRecordedWithItsCellAndNeverServes() throws Exception {
        String serving = active.get().version();

        HttpResponse<String> response = upload("/api/v1/rule-sets", "tone.csv",
                tone().replace("TON-06,PHONE_CALL", "TON-06,PHONE").getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode problem = api().body(response);
        assertThat(problem.get("type").asString()).isEqualTo("https://dunning.dev/problems/rule-set-rejected");
        assertThat(problem.get("stoppedAt").asString()).isEqualTo("checks");
        assertThat(problem.get("problems").get(0).get("location").asString())
                .isEqualTo("decision-tables/tone.csv, sheet tone, cell B19");
        String rejected = problem.get("version").asString();
        assertThat(jdbc.sql("SELECT status FROM rule_set_versions WHERE version = ?").param(rejected)
                .query(String.class).single()).isEqualTo("REJECTED");

        HttpResponse<String> activation = api().post("/api/v1/rule-sets/" + rejected + "/activate", "");
        assertThat(activation.statusCode()).as(activation.body()).isEqualTo(409);
        assertThat(active.get().version()).isEqualTo(serving);
        assertThat(evaluate().get("ruleSetVersion").asString()).isEqualTo(serving);
        assertThat(jdbc.sql("SELECT version FROM rule_set_active").query(String.class).single()).isEqualTo(serving);
    }

    @Test
    void eachGateRejectsItsCandidateAndTheActiveVersionKeepsServing() throws Exception {
        String serving = active.get().version();
        String fallback = Files.readString(Path.of("rules", "fallback.drl"));
        Map<String, String> byGate = new LinkedHashMap<>();
        byGate.put("checks", "tone.csv");
        byGate.put("safety", "fallback.drl");
        byGate.put("compile", "fallback.drl");
        byGate.put("scenarios", "tone.csv");
        Map<String, byte[]> uploads = Map.of(
                "checks", tone().replace("TON-08,FINAL_NOTICE", "TON-08,FINAL_NOTCE").getBytes(StandardCharsets.UTF_8),
                "safety", fallback.replace("decision.noAction(\"no rule matched\");",
                        "Runtime.getRuntime().halt(0);").getBytes(StandardCharsets.UTF_8),
                "compile", fallback.replace("Decision( decided == false )", "Decision( undecided == true )")
                        .getBytes(StandardCharsets.UTF_8),
                "scenarios", tone().replace("TON-08,FINAL_NOTICE,,,,,,,FORMAL", "TON-08,FINAL_NOTICE,,,,,,,FIRM")
                        .getBytes(StandardCharsets.UTF_8));

        for (var gate : byGate.entrySet()) {
            assertThat(uploads.get(gate.getKey())).as(gate.getKey()).isNotEqualTo(
                    Files.readAllBytes(Path.of(gate.getValue().endsWith(".drl") ? "rules" : "decision-tables",
                            gate.getValue())));
            HttpResponse<String> response = upload("/api/v1/rule-sets", gate.getValue(), uploads.get(gate.getKey()));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
            assertThat(api().body(response).get("stoppedAt").asString()).as(response.body()).isEqualTo(gate.getKey());
            assertThat(api().body(response).get("problems").get(0).get("location").asString())
                    .startsWith(gate.getKey().equals("scenarios") ? "scenarios/" : gate.getValue().endsWith(".drl")
                            ? "rules/fallback.drl:" : "decision-tables/tone.csv, sheet tone, cell ");
            assertThat(active.get().version()).isEqualTo(serving);
            assertThat(evaluate().get("ruleSetVersion").asString()).isEqualTo(serving);
        }
    }

    @Test
    void aFailingScenarioRejectsTheCandidateNamingScenarioExpectedAndActual() throws Exception {
        HttpResponse<String> response = upload("/api/v1/rule-sets", "tone.csv",
                tone().replace(TON_01, "TON-01,REMINDER,1,1,CONSUMER,,,,NEUTRAL").getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
        JsonNode problem = api().body(response);
        assertThat(problem.get("stoppedAt").asString()).isEqualTo("scenarios");
        assertThat(problem.get("scenarioFailures").valueStream().map(JsonNode::toString))
                .anySatisfy(f -> assertThat(f).contains("First friendly reminder after the grace period")
                        .contains("expected tone FRIENDLY but got NEUTRAL"));
    }

    @Test
    void validateReportsWithoutStoringAnything() throws Exception {
        long versions = jdbc.sql("SELECT COUNT(*) FROM rule_set_versions").query(Long.class).single();
        String drl = Files.readString(Path.of("rules", "fallback.drl"))
                .replace("decision.noAction(\"no rule matched\");", "System.exit(1);");

        HttpResponse<String> response = upload("/api/v1/rule-sets/validate", "fallback.drl",
                drl.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode report = api().body(response);
        assertThat(report.get("valid").asBoolean()).isFalse();
        assertThat(report.get("stoppedAt").asString()).isEqualTo("safety");
        JsonNode first = report.get("problems").get(0);
        assertThat(first.get("file").asString()).isEqualTo("rules/fallback.drl");
        assertThat(first.get("line").asInt()).isPositive();
        assertThat(first.get("message").asString()).contains("System");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM rule_set_versions").query(Long.class).single()).isEqualTo(versions);

        HttpResponse<String> shipped = upload("/api/v1/rule-sets/validate", "tone.csv", tone().getBytes(StandardCharsets.UTF_8));
        assertThat(api().body(shipped).get("valid").asBoolean()).as(shipped.body()).isTrue();
    }

    @Test
    void aValidationIsRecordedInTheCandidatesHistoryWithWhoWhenWhichFilesAndTheOutcome() throws Exception {
        String drl = Files.readString(Path.of("rules", "fallback.drl"))
                .replace("decision.noAction(\"no rule matched\");", "System.exit(2);");
        byte[] refused = drl.getBytes(StandardCharsets.UTF_8);
        byte[] set = neutralFirstReminderZip("validated-" + UUID.randomUUID());

        JsonNode stopped = api().body(upload("/api/v1/rule-sets/validate", "fallback.drl", refused));
        JsonNode passed = api().body(upload("/api/v1/rule-sets/validate?scope=whole", "policy.zip", set));

        // Never stored, still on record: its history is readable by the full hash the validation answered with.
        String stoppedVersion = stopped.get("version").asString();
        HttpResponse<String> response = api().get("/api/v1/rule-sets/" + stoppedVersion + "/events");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode event = api().body(response).get(0);
        assertThat(event.get("event").asString()).isEqualTo("VALIDATED");
        assertThat(event.get("principal").asString()).isEqualTo(TestCredentials.NAME);
        assertThat(java.time.Instant.parse(event.get("at").asString()))
                .isBetween(java.time.Instant.now().minusSeconds(120), java.time.Instant.now());
        assertThat(event.get("detail").asString())
                .contains("upload fallback.drl (sha256 " + dev.dunning.rules.RuleSetCompiler.sha256(refused))
                .contains("as a change, with the other files of version " + active.get().version().substring(0, 12))
                .contains("stopped at the safety gate, " + stopped.get("problems").size() + " problem")
                .contains("files: rules/fallback.drl sha256 " + dev.dunning.rules.RuleSetCompiler.sha256(refused));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM rule_set_versions WHERE version = ?").param(stoppedVersion)
                .query(Long.class).single()).isZero();

        String passedVersion = passed.get("version").asString();
        String detail = api().body(api().get("/api/v1/rule-sets/" + passedVersion + "/events")).get(0).get("detail")
                .asString();
        assertThat(detail).startsWith("upload policy.zip (sha256 " + dev.dunning.rules.RuleSetCompiler.sha256(set))
                .contains(" as a whole set: passed, 1 problem (0 errors)")
                .contains("decision-tables/tone.csv sha256 ", "scenarios/neutral.csv sha256 ", "rules/holds.drl sha256 ")
                .contains("left out (the active version " + active.get().version().substring(0, 12)
                        + " has them): scenarios/default-policy.csv")
                .doesNotContain("with the other files");

        // Submitted later, the version's history starts with the validation.
        HttpResponse<String> submitted = upload("/api/v1/rule-sets?scope=whole", "policy.zip", set);
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
        assertThat(api().body(submitted).get("history").valueStream().map(e -> e.get("event").asString()))
                .containsExactly("VALIDATED", "SUBMITTED");

        HttpResponse<String> unknown = api().get("/api/v1/rule-sets/" + "0".repeat(64) + "/events");
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
    }

    @Test
    void aRuleSetUploadOverTheMultipartLimitNamesTheRuleSetLimitNotTheImportLimit() throws Exception {
        HttpResponse<String> huge = upload("/api/v1/rule-sets", "escalation.xlsx", new byte[1536 * 1024]);
        HttpResponse<String> hugeValidation = upload("/api/v1/rule-sets/validate", "policy.zip",
                new byte[1536 * 1024]);

        for (HttpResponse<String> response : List.of(huge, hugeValidation)) {
            api().assertProblem(response, 413, "upload-too-large", null);
            assertThat(api().body(response).get("detail").asString())
                    .contains("limit of 200 KB for a rule set", "setting dunning.rule-sets.max-upload-size")
                    .doesNotContain("dunning.import");
        }
    }

    @Test
    void aMacroWorkbookAZipBombAndAnOversizedUploadAreRefusedBeforeAnythingIsStored() throws Exception {
        long versions = jdbc.sql("SELECT COUNT(*) FROM rule_set_versions").query(Long.class).single();
        byte[] xlsx = Files.readAllBytes(Path.of("decision-tables", "escalation.xlsx"));

        HttpResponse<String> macroByName = upload("/api/v1/rule-sets", "escalation.xlsm", xlsx);
        HttpResponse<String> macroInside = upload("/api/v1/rule-sets", "escalation.xlsx",
                dev.dunning.tools.HostileFiles.withVbaProject(xlsx));
        HttpResponse<String> bomb = upload("/api/v1/rule-sets", "policy.zip",
                dev.dunning.tools.HostileFiles.zipBomb("decision-tables/escalation.xlsx", 40 * 1024 * 1024));
        HttpResponse<String> oversized = upload("/api/v1/rule-sets", "escalation.xlsx", new byte[300 * 1024]);

        api().assertProblem(macroByName, 422, "upload-refused", null);
        assertThat(macroByName.body()).contains("macro-enabled workbooks are refused");
        api().assertProblem(macroInside, 422, "upload-refused", null);
        assertThat(macroInside.body()).contains("contains macros");
        api().assertProblem(bomb, 422, "upload-refused", null);
        assertThat(bomb.body()).contains("zip bomb");
        api().assertProblem(oversized, 413, "upload-too-large", null);
        assertThat(api().body(oversized).get("detail").asString()).contains("dunning.rule-sets.max-upload-size");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM rule_set_versions").query(Long.class).single()).isEqualTo(versions);
    }

    @Test
    void theDiffNamesTheChangedCellAndFilesAndGeneratedDrlCanBeRead() throws Exception {
        String shipped = active.get().version();
        String changed = tone().replace("TON-06,PHONE_CALL,,,,,,,FIRM", "TON-06,PHONE_CALL,,,,,,,FORMAL");
        // The shipped scenarios expect firm calls, so this candidate is rejected; it is stored all the same, and a
        // reviewer can compare it with the active version to see why.
        HttpResponse<String> submitted = upload("/api/v1/rule-sets", "tone.csv", changed.getBytes(StandardCharsets.UTF_8));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(422);
        String candidate = api().body(submitted).get("version").asString();

        JsonNode diff = api().body(api().get("/api/v1/rule-sets/" + shipped + "/diff/" + candidate));

        JsonNode tone = diff.get("files").valueStream().filter(f -> f.get("name").asString()
                .equals("decision-tables/tone.csv")).findFirst().orElseThrow();
        assertThat(tone.get("cells").valueStream().map(JsonNode::asString)).containsExactly("tone.csv!tone!I19: FIRM -> FORMAL");

        HttpResponse<String> file = api().get("/api/v1/rule-sets/" + candidate + "/files/decision-tables/tone.csv");
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).isEqualTo(changed);
        HttpResponse<String> drl = api().get("/api/v1/rule-sets/" + shipped + "/tables/tone.csv/drl");
        assertThat(drl.statusCode()).as(drl.body()).isEqualTo(200);
        assertThat(drl.body()).contains("rule \"Tone_").contains("decision.tone(\"FIRM\");");
        api().assertProblem(api().get("/api/v1/rule-sets/0000000000/files/x.drl"), 404, "not-found", null);
    }

    @Test
    void aSecondInstanceOnTheSameDatabaseFollowsAnActivationAndARollback() throws Exception {
        String shipped = active.get().version();
        try (ConfigurableApplicationContext second = SpringApplication.run(dev.dunning.DunningApplication.class,
                "--server.port=0", "--dunning.test.own-database=true", "--spring.datasource.url=" + db.url(),
                "--spring.datasource.username=" + db.user(), "--spring.datasource.password=" + db.password(),
                "--dunning.rule-sets.poll-interval=200ms", "--dunning.database.demo-data=false")) {
            ActiveRuleSet other = second.getBean(ActiveRuleSet.class);
            assertThat(other.get().version()).isEqualTo(shipped);

            HttpResponse<String> submitted = upload("/api/v1/rule-sets?scope=whole", "policy.zip", neutralFirstReminderZip("two instances"));
            String candidate = api().body(submitted).get("version").asString();
            assertThat(colleague().post("/api/v1/rule-sets/" + candidate + "/activate", "").statusCode())
                    .isEqualTo(200);
            assertThat(awaitVersion(other, candidate)).as("the second instance serves the new version").isTrue();

            assertThat(rollBack(shipped).statusCode()).isEqualTo(200);
            assertThat(awaitVersion(other, shipped)).as("and follows the rollback").isTrue();

            // A background simulation started here is answered for there (the next poll may land on any instance).
            String prefix = "SIM2-" + UUID.randomUUID();
            facts.upsertCustomer(aCustomer().id(prefix + "-C1").in("DE", "Europe/Berlin", "EUR").consumer().build());
            facts.upsertInvoice(prefix + "-C1", anInvoice().id(prefix + "-I1").amount("EUR", "120.00")
                    .due("2025-03-05").build());
            HttpResponse<String> started = api().post("/api/v1/rule-sets/" + candidate + "/simulate?background=true",
                    "{\"asOf\": \"2025-03-17T15:00:00Z\", \"customerIds\": [\"" + prefix + "-C1\"]}");
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            String location = started.headers().firstValue("Location").orElseThrow();
            Api there = new Api(Integer.parseInt(second.getEnvironment().getProperty("local.server.port")), json);
            JsonNode job = Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> there.body(there.get(location)), j -> finished(j.get("status").asString()));
            assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("DONE");
            assertThat(job.get("requestedBy").asString()).isEqualTo(TestCredentials.NAME);
            assertThat(job.get("result").get("changed").asLong()).as(job.toString()).isEqualTo(1);
            assertThat(job.get("result").get("changes").get(0).get("candidate").get("tone").asString())
                    .isEqualTo("NEUTRAL");
        }
    }

    private static boolean finished(String status) {
        return status.equals("DONE") || status.equals("FAILED");
    }

    @Test
    void aBackgroundSimulationWhoseInstanceDiedIsReportedFailedNotRunningForever() throws Exception {
        String id = UUID.randomUUID().toString();
        // As a crashed instance leaves it: running, its last sign of life five minutes ago.
        jdbc.sql("INSERT INTO rule_set_simulations (id, candidate, requested_by, instance_id, status, total, done, "
                + "started_at, heartbeat_at) VALUES (?, ?, 'someone', 'gone@host/1234abcd', 'RUNNING', 900, 500, "
                + "UTC_TIMESTAMP(6) - INTERVAL 6 MINUTE, UTC_TIMESTAMP(6) - INTERVAL 5 MINUTE)")
                .params(id, active.get().version()).update();

        HttpResponse<String> response = api().get("/api/v1/rule-sets/simulations/" + id);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode job = api().body(response);
        assertThat(job.get("status").asString()).isEqualTo("FAILED");
        assertThat(job.get("done").asLong()).isEqualTo(500);
        assertThat(job.get("error").asString()).contains("gone@host/1234abcd", "stopped showing signs of life",
                "start it again");
        assertThat(jdbc.sql("SELECT status FROM rule_set_simulations WHERE id = ?").param(id).query(String.class)
                .single()).as("recorded, not just shown").isEqualTo("FAILED");

        HttpResponse<String> unknown = api().get("/api/v1/rule-sets/simulations/" + UUID.randomUUID());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("simulation-retention");
    }

    /**
     * A rule that would return only after 9 s for one customer: a loop inside a consequence, which no firing limit
     * sees. The compiled-code gate refuses it before any of it runs, so no simulation or decision can be held by it.
     */
    static final String STUCK_RULE = """
            package dunning.stuck

            import dev.dunning.decision.DunningCase;
            import java.time.Instant;

            rule "Takes its time for SIM-STUCK"
                ruleflow-group "escalation"
            when
                DunningCase( customerId == "SIM-STUCK" )
            then
                Instant until = Instant.parse("2999-01-01T00:00:00Z");
                while (until.isAfter(Instant.EPOCH)) {
                }
            end
            """;

    @Test
    void aRuleThatLoopsIsRefusedAtUploadWithItsLineStoredAsRejectedAndNeverServes() throws Exception {
        String serving = active.get().version();
        Map<String, byte[]> files = shippedFiles();
        files.put("rules/stuck.drl", STUCK_RULE.getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> submitted = upload("/api/v1/rule-sets", "policy.zip", zip(files));

        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(422);
        JsonNode problem = api().body(submitted);
        assertThat(problem.get("stoppedAt").asString()).isEqualTo("safety");
        assertThat(problem.get("problems").valueStream()).anySatisfy(p -> {
            assertThat(p.get("location").asString()).startsWith("rules/stuck.drl:12:");
            assertThat(p.get("message").asString()).contains("may not loop");
        });
        assertThat(jdbc.sql("SELECT status FROM rule_set_versions WHERE version = ?")
                .param(problem.get("version").asString()).query(String.class).single()).isEqualTo("REJECTED");
        assertThat(evaluate().get("ruleSetVersion").asString()).isEqualTo(serving);
    }

    @Test
    void pagesBeyondWhatASimulationKeepsAreRefusedNamingTheField() throws Exception {
        String version = active.get().version();

        HttpResponse<String> poll = api().get("/api/v1/rule-sets/simulations/" + UUID.randomUUID()
                + "?page=-3&size=9999");
        HttpResponse<String> beyond = api().post("/api/v1/rule-sets/" + version + "/simulate",
                "{\"customerIds\": [\"nobody\"], \"page\": 20, \"size\": 500}");

        assertThat(poll.statusCode()).as(poll.body()).isEqualTo(400);
        assertThat(api().body(poll).get("errors").valueStream().map(e -> e.get("field").asString()))
                .containsExactlyInAnyOrder("page", "size");
        assertThat(beyond.statusCode()).as(beyond.body()).isEqualTo(400);
        assertThat(api().body(beyond).get("errors").get(0).get("field").asString()).isEqualTo("page");
        assertThat(api().body(beyond).get("detail").asString()).contains("10000");
    }

    @Test
    void aSimulationCountsWhatTheCandidateWouldChangeForStoredCustomersAndWritesNothing() throws Exception {
        String prefix = "SIM-" + UUID.randomUUID();
        List<String> ids = List.of(prefix + "-C1", prefix + "-C2", prefix + "-B1");
        for (String id : ids) {
            var customer = aCustomer().id(id).in("DE", "Europe/Berlin", "EUR");
            facts.upsertCustomer((id.endsWith("B1") ? customer.segment(Segment.SMALL_BUSINESS) : customer.consumer())
                    .build());
            facts.upsertInvoice(id, anInvoice().id(id + "-I1").amount("EUR", "120.00").due("2025-03-05").build());
        }
        HttpResponse<String> submitted = upload("/api/v1/rule-sets?scope=whole", "policy.zip", neutralFirstReminderZip("simulation"));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
        String candidate = api().body(submitted).get("version").asString();
        String serving = active.get().version();
        long audited = jdbc.sql("SELECT COUNT(*) FROM audit_records").query(Long.class).single();
        long outboxEntries = jdbc.sql("SELECT COUNT(*) FROM outbox").query(Long.class).single();

        HttpResponse<String> response = api().post("/api/v1/rule-sets/" + candidate + "/simulate",
                "{\"asOf\": \"2025-03-17T15:00:00Z\", \"customerIds\": " + json.writeValueAsString(ids) + "}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode result = api().body(response);
        assertThat(result.get("customers").asLong()).isEqualTo(3);
        assertThat(result.get("changed").asLong()).isEqualTo(2);
        assertThat(result.get("active").asString()).isEqualTo(serving);
        JsonNode tones = result.get("tones");
        assertThat(tones).hasSize(1);
        assertThat(tones.get(0).get("from").asString()).isEqualTo("FRIENDLY");
        assertThat(tones.get(0).get("to").asString()).isEqualTo("NEUTRAL");
        assertThat(tones.get(0).get("count").asLong()).isEqualTo(2);
        assertThat(tones.get(0).get("examples").valueStream().map(JsonNode::asString))
                .containsExactly(prefix + "-C1", prefix + "-C2");
        assertThat(result.get("actions").get(0).toString()).contains("\"from\":\"REMINDER\"", "\"to\":\"REMINDER\"",
                "\"count\":3");
        assertThat(result.get("channels")).isEmpty();
        JsonNode change = result.get("changes").get(0);
        assertThat(change.get("customerId").asString()).isEqualTo(prefix + "-C1");
        assertThat(change.get("active").get("tone").asString()).isEqualTo("FRIENDLY");
        assertThat(change.get("candidate").get("tone").asString()).isEqualTo("NEUTRAL");
        assertThat(change.get("candidate").get("rules").valueStream().map(JsonNode::asString))
                .anySatisfy(r -> assertThat(r).contains("decision-tables/tone.csv!tone row 14"));

        JsonNode coverage = result.get("coverage");
        assertThat(coverage.get("candidateFired").valueStream().map(c -> c.get("rule").asString()))
                .anySatisfy(r -> assertThat(r).contains("decision-tables/tone.csv!tone row 14"));
        assertThat(coverage.get("candidateNeverFired").valueStream().map(JsonNode::asString))
                .anySatisfy(r -> assertThat(r).contains("decision-tables/escalation.xlsx!Ladder"))
                .noneSatisfy(r -> assertThat(r).contains("decision-tables/tone.csv!tone row 14"));

        String body = "{\"asOf\": \"2025-03-17T15:00:00Z\", \"customerIds\": " + json.writeValueAsString(ids)
                + ", \"size\": 1}";
        HttpResponse<String> started = api().post("/api/v1/rule-sets/" + candidate + "/simulate?background=true", body);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String location = started.headers().firstValue("Location").orElseThrow();
        assertThat(api().body(started).get("total").asLong()).isEqualTo(3);
        JsonNode job = Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> api().body(api().get(location + "?page=1&size=1")),
                        j -> finished(j.get("status").asString()));
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("DONE");
        assertThat(job.get("done").asLong()).isEqualTo(3);
        assertThat(job.get("result").get("changed").asLong()).isEqualTo(2);
        assertThat(job.get("result").get("changes")).singleElement()
                .satisfies(c -> assertThat(c.get("customerId").asString()).isEqualTo(prefix + "-C2"));

        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_records").query(Long.class).single()).isEqualTo(audited);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM outbox").query(Long.class).single()).isEqualTo(outboxEntries);
        assertThat(active.get().version()).isEqualTo(serving);
    }

    @Test
    void aVersionsSimulationsAreListedNewestFirstWithWhoFiltersCountsAndWhetherTheyAreOutOfDate() throws Exception {
        String prefix = "SIMLIST-" + UUID.randomUUID();
        List<String> ids = List.of(prefix + "-C1", prefix + "-C2");
        for (String id : ids) {
            facts.upsertCustomer(aCustomer().id(id).in("DE", "Europe/Berlin", "EUR").consumer().build());
            facts.upsertInvoice(id, anInvoice().id(id + "-I1").amount("EUR", "120.00").due("2025-03-05").build());
        }
        HttpResponse<String> submitted = upload("/api/v1/rule-sets?scope=whole", "policy.zip",
                neutralFirstReminderZip("listed simulations"));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
        String candidate = api().body(submitted).get("version").asString();
        String serving = active.get().version();
        HttpResponse<String> none = api().get("/api/v1/rule-sets/" + candidate + "/simulations");
        assertThat(none.statusCode()).as(none.body()).isEqualTo(200);
        assertThat(api().body(none).get("simulations")).isEmpty();

        String named = finishedSimulation(candidate, "{\"asOf\": \"2025-03-17T15:00:00Z\", \"customerIds\": "
                + json.writeValueAsString(ids) + "}");
        String filtered = finishedSimulation(candidate, "{\"asOf\": \"2025-03-17T15:00:00Z\", \"customerIds\": "
                + json.writeValueAsString(ids) + ", \"segment\": \"CONSUMER\", \"country\": \"DE\"}");

        HttpResponse<String> listed = api().get("/api/v1/rule-sets/" + candidate.substring(0, 12) + "/simulations");

        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        JsonNode body = api().body(listed);
        assertThat(body.get("version").asString()).isEqualTo(candidate);
        assertThat(body.get("inForce").asString()).isEqualTo(serving);
        JsonNode simulations = body.get("simulations");
        assertThat(simulations.valueStream().map(j -> j.get("id").asString())).as("newest first")
                .containsExactly(filtered, named);
        for (JsonNode job : simulations) {
            assertThat(job.get("status").asString()).isEqualTo("DONE");
            assertThat(job.get("requestedBy").asString()).isEqualTo(TestCredentials.NAME);
            assertThat(job.get("candidate").asString()).isEqualTo(candidate);
            assertThat(job.get("active").asString()).as("compared against").isEqualTo(serving);
            assertThat(job.get("outdated").asBoolean()).isFalse();
            assertThat(job.get("customers").asLong()).isEqualTo(2);
            assertThat(job.get("changed").asLong()).isEqualTo(2);
            assertThat(job.get("failedCount").asLong()).isZero();
            assertThat(job.get("total").asLong()).isEqualTo(2);
            assertThat(Instant.parse(job.get("finishedAt").asString()))
                    .isAfterOrEqualTo(Instant.parse(job.get("startedAt").asString()));
            assertThat(job.get("filters").get("asOf").asString()).isEqualTo("2025-03-17T15:00:00Z");
            assertThat(job.get("filters").get("customerIds").asInt()).isEqualTo(2);
            assertThat(job.has("result")).as("the list reads no result").isFalse();
        }
        assertThat(simulations.get(0).get("filters").get("segment").asString()).isEqualTo("CONSUMER");
        assertThat(simulations.get(0).get("filters").get("country").asString()).isEqualTo("DE");
        assertThat(simulations.get(1).get("filters").get("segment").isNull()).isTrue();
        assertThat(simulations.get(1).get("filters").get("country").isNull()).isTrue();

        HttpResponse<String> one = api().get("/api/v1/rule-sets/" + candidate + "/simulations?limit=1");
        assertThat(api().body(one).get("simulations").valueStream().map(j -> j.get("id").asString()))
                .containsExactly(filtered);
        HttpResponse<String> badLimit = api().get("/api/v1/rule-sets/" + candidate + "/simulations?limit=0");
        assertThat(badLimit.statusCode()).as(badLimit.body()).isEqualTo(400);
        assertThat(api().body(badLimit).get("errors").get(0).get("field").asString()).isEqualTo("limit");
        api().assertProblem(api().get("/api/v1/rule-sets/00000000000/simulations"), 404, "not-found", null);

        // Once the candidate is in force, both compared against a version that no longer is; back again, they did not.
        assertThat(colleague().post("/api/v1/rule-sets/" + candidate + "/activate", "").statusCode()).isEqualTo(200);
        JsonNode afterActivation = api().body(api().get("/api/v1/rule-sets/" + candidate + "/simulations"));
        assertThat(afterActivation.get("inForce").asString()).isEqualTo(candidate);
        assertThat(afterActivation.get("simulations").valueStream().map(j -> j.get("outdated").asBoolean()))
                .containsExactly(true, true);
        assertThat(rollBack(serving).statusCode()).isEqualTo(200);
        assertThat(api().body(api().get("/api/v1/rule-sets/" + candidate + "/simulations")).get("simulations")
                .valueStream().map(j -> j.get("outdated").asBoolean())).containsExactly(false, false);
    }

    /** Starts a background simulation and waits for it to finish; its id. */
    private String finishedSimulation(String version, String body) {
        HttpResponse<String> started = api().post("/api/v1/rule-sets/" + version + "/simulate?background=true", body);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String location = started.headers().firstValue("Location").orElseThrow();
        JsonNode job = Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> api().body(api().get(location)), j -> finished(j.get("status").asString()));
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("DONE");
        return job.get("id").asString();
    }

    @Test
    void aCustomerWhoseFactsBreakEvaluationFailsAloneInASimulation() {
        String prefix = "SIMBAD-" + UUID.randomUUID();
        String good = prefix + "-OK";
        String bad = prefix + "-MARS";
        facts.upsertCustomer(aCustomer().id(good).in("DE", "Europe/Berlin", "EUR").consumer().build());
        facts.upsertInvoice(good, anInvoice().id(good + "-I1").amount("EUR", "120.00").due("2025-03-05").build());
        // A customer as a billing system could never send it (the API checks time zones): evaluation cannot place it.
        jdbc.sql("INSERT INTO customers (id, name, segment, country, language, time_zone, currency, risk_score, "
                + "tenure_months, consent_email, consent_sms, consent_phone, consent_letter, do_not_contact, vulnerable, "
                + "third_party_collection, created_at, updated_at) VALUES (?, 'Bad Zone', 'CONSUMER', 'NZ', "
                + "'en', 'Mars/Olympus_Mons', 'NZD', 10, 5, true, true, true, true, false, false, false, NOW(), NOW())")
                .param(bad).update();
        String version = active.get().version();

        HttpResponse<String> response = api().post("/api/v1/rule-sets/" + version + "/simulate",
                "{\"asOf\": \"2025-03-17T15:00:00Z\", \"customerIds\": [\"" + good + "\", \"" + bad + "\"]}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode result = api().body(response);
        assertThat(result.get("customers").asLong()).as("the good customer is still simulated").isEqualTo(1);
        assertThat(result.get("failedCount").asLong()).isEqualTo(1);
        assertThat(result.get("failed").properties()).singleElement().satisfies(f -> {
            assertThat(f.getKey()).isEqualTo(bad);
            assertThat(f.getValue().asString()).contains("Mars/Olympus_Mons");
        });
        assertThat(result.get("actions").get(0).get("count").asLong()).isEqualTo(1);
    }

    /** Waits up to 15 s (the poll runs every 200 ms) for an instance to serve a version. */
    static boolean awaitVersion(ActiveRuleSet instance, String version) {
        try {
            Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                    .until(() -> instance.get().version().equals(version));
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }
}
