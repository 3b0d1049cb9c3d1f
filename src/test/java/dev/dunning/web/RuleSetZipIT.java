package dev.dunning.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.database.TestDatabase;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.RuleSetCompiler;
import dev.dunning.rules.RuleSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Rule-set zips over real HTTP and a real MariaDB: a zip of only the changed files is refused until it says whether it
 * is the whole set or a change, a change keeps the other files of the active version (and may delete some), a whole
 * set says which files it leaves out, and the zips docs/rule-sets.md makes the way it says are taken as it shows.
 * Four-eyes is relaxed here as in the embedded default the documentation's walk-through runs on.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "dunning.security.four-eyes-relaxed=true")
class RuleSetZipIT {

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        TestDatabase.freshDatabase("rule_set_zips").register(registry);
    }

    /** The edits of the documentation's walk-through (calls formal, not firm), as its sed commands make them. */
    static final Map<String, List<String[]>> DOCUMENTED_EDITS = Map.of(
            "decision-tables/tone.csv", List.<String[]>of(
                    new String[] {"TON-06,PHONE_CALL,,,,,,,FIRM", "TON-06,PHONE_CALL,,,,,,,FORMAL"}),
            "scenarios/default-policy.csv", List.of(
                    new String[] {",PHONE_CALL,PHONE,FIRM,", ",PHONE_CALL,PHONE,FORMAL,"},
                    new String[] {",REMINDER,LETTER,FIRM,3,policy=LIM-03", ",REMINDER,LETTER,FORMAL,3,policy=LIM-03"}));

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ActiveRuleSet active;

    final HttpClient http = HttpClient.newHttpClient();

    Api api() {
        return new Api(port, json);
    }

    @Test
    void aZipOfOnlyTheChangedFilesWithoutAScopeIsRefusedNamingEveryFileItLeavesOutAndNothingIsStored()
            throws Exception {
        String serving = active.get().version();
        Map<String, byte[]> change = documentedChange(RuleSetApiIT.shippedFiles());
        byte[] zip = RuleSetApiIT.zip(change);
        List<String> leftOut = active.get().sources().stream().map(RuleSource::name)
                .filter(n -> !change.containsKey(n)).sorted().toList();
        assertThat(leftOut).hasSize(active.get().sources().size() - 2);
        long versions = count("rule_set_versions");
        long events = count("rule_set_events");

        for (String path : List.of("/api/v1/rule-sets", "/api/v1/rule-sets/validate")) {
            HttpResponse<String> response = upload(path, "change.zip", zip, Map.of());

            api().assertProblem(response, 422, "upload-scope-needed", null);
            JsonNode problem = api().body(response);
            assertThat(problem.get("missing").valueStream().map(JsonNode::asString)).containsExactlyElementsOf(leftOut);
            assertThat(problem.get("activeVersion").asString()).isEqualTo(serving);
            assertThat(problem.get("detail").asString()).contains("change.zip leaves out " + leftOut.size() + " of the "
                    + (leftOut.size() + 2) + " files of the active version " + serving.substring(0, 12),
                    "send scope=change", "scope=whole", "Nothing was stored").contains(leftOut);
            assertThat(problem.get("problems").valueStream().map(p -> p.get("file").asString()))
                    .containsExactlyElementsOf(leftOut);
        }
        assertThat(count("rule_set_versions")).as("nothing stored").isEqualTo(versions);
        assertThat(count("rule_set_events")).as("nothing recorded").isEqualTo(events);
        assertThat(active.get().version()).isEqualTo(serving);
    }

    @Test
    void aPartialZipSentAsAChangeKeepsTheOtherFilesOfTheActiveVersionAndSaysWhereEachCameFrom() throws Exception {
        String serving = active.get().version();
        Map<String, byte[]> activeFiles = new LinkedHashMap<>();
        active.get().sources().forEach(s -> activeFiles.put(s.name(), s.content()));
        // The first consumer reminder neutral, a scenario that says so instead of the shipped scenarios (deleted).
        String marker = UUID.randomUUID().toString();
        Map<String, byte[]> zipped = new LinkedHashMap<>();
        zipped.put("decision-tables/tone.csv", new String(activeFiles.get("decision-tables/tone.csv"),
                StandardCharsets.UTF_8).replace(RuleSetApiIT.TON_01, "TON-01,REMINDER,1,1,CONSUMER,,,,NEUTRAL")
                .getBytes(StandardCharsets.UTF_8));
        zipped.put("scenarios/neutral.csv", (RuleSetApiIT.NEUTRAL_SCENARIO + "# " + marker + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
        Map<String, byte[]> expected = new LinkedHashMap<>(activeFiles);
        expected.remove("scenarios/default-policy.csv");
        expected.putAll(zipped);

        HttpResponse<String> response = upload("/api/v1/rule-sets", "tone-change.zip", RuleSetApiIT.zip(zipped),
                Map.of("scope", List.of("change"), "delete", List.of("default-policy.csv"),
                        "comment", List.of("neutral first reminder")));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode view = api().body(response);
        String version = view.get("version").asString();
        assertThat(version).isEqualTo(RuleSetCompiler.versionOf(sources(expected)));
        assertThat(view.get("files").valueStream().map(f -> f.get("name").asString()))
                .containsExactlyElementsOf(expected.keySet().stream().sorted().toList());
        JsonNode upload = view.get("upload");
        assertThat(upload.get("scope").asString()).isEqualTo("change");
        assertThat(upload.get("basedOn").asString()).isEqualTo(serving);
        assertThat(upload.get("deleted").valueStream().map(JsonNode::asString))
                .containsExactly("scenarios/default-policy.csv");
        assertThat(upload.get("leftOut")).isEmpty();
        Map<String, String> from = new LinkedHashMap<>();
        upload.get("files").forEach(f -> from.put(f.get("name").asString(), f.get("from").asString()));
        assertThat(from).hasSize(expected.size())
                .containsEntry("decision-tables/tone.csv", "upload").containsEntry("scenarios/neutral.csv", "upload")
                .containsEntry("rules/holds.drl", serving).containsEntry("decision-tables/escalation.xlsx", serving);
        assertThat(upload.get("summary").asString()).isEqualTo("Taken as a change to the active version "
                + serving.substring(0, 12) + ": 2 files from the upload, " + (expected.size() - 2) + " files kept as "
                + "they are in " + serving.substring(0, 12) + ", 1 removed (scenarios/default-policy.csv); the new "
                + "version has " + expected.size() + " files.");

        JsonNode submitted = view.get("history").get(0);
        assertThat(submitted.get("event").asString()).isEqualTo("SUBMITTED");
        assertThat(submitted.get("detail").asString())
                .startsWith("upload: neutral first reminder; scope change on version " + serving.substring(0, 12))
                .contains("decision-tables/tone.csv sha256 "
                        + RuleSetCompiler.sha256(zipped.get("decision-tables/tone.csv")) + " from the upload")
                .contains("rules/holds.drl sha256 " + RuleSetCompiler.sha256(activeFiles.get("rules/holds.drl"))
                        + " from version " + serving.substring(0, 12))
                .endsWith("removed: scenarios/default-policy.csv");
        assertThat(active.get().version()).as("a candidate changes nothing served").isEqualTo(serving);
    }

    @Test
    void aWholeSetThatLeavesOutFilesOfTheActiveVersionSaysWhichInTheAnswerTheRejectionAndTheRecord()
            throws Exception {
        String serving = active.get().version();
        // What the user sent: the changed files only, as a whole set. The scenarios fail for want of the other tables.
        Map<String, byte[]> change = documentedChange(RuleSetApiIT.shippedFiles());
        List<String> leftOut = active.get().sources().stream().map(RuleSource::name)
                .filter(n -> !change.containsKey(n)).sorted().toList();

        HttpResponse<String> rejected = upload("/api/v1/rule-sets?scope=whole", "change.zip",
                RuleSetApiIT.zip(change), Map.of());

        api().assertProblem(rejected, 422, "rule-set-rejected", null);
        JsonNode problem = api().body(rejected);
        assertThat(problem.get("detail").asString()).contains("Taken as a whole set: the new version has the 2 files "
                + "of the upload; it leaves out " + leftOut.size() + " files that the active version "
                + serving.substring(0, 12) + " has: " + String.join(", ", leftOut));
        assertThat(problem.get("upload").get("leftOut").valueStream().map(JsonNode::asString))
                .containsExactlyElementsOf(leftOut);
        List<JsonNode> warnings = problem.get("problems").valueStream().limit(leftOut.size()).toList();
        assertThat(warnings).allSatisfy(w -> {
            assertThat(w.get("severity").asString()).isEqualTo("WARNING");
            assertThat(w.get("message").asString()).contains("the new version will not have it", "scope=change");
        });
        assertThat(warnings.stream().map(w -> w.get("file").asString())).containsExactlyElementsOf(leftOut);
        String version = problem.get("version").asString();
        JsonNode stored = api().body(api().get("/api/v1/rule-sets/" + version));
        assertThat(stored.get("status").asString()).isEqualTo("REJECTED");
        assertThat(stored.get("problems").get(0).get("file").asString()).as("kept with the version")
                .isEqualTo(leftOut.get(0));
        assertThat(stored.get("history").get(0).get("detail").asString()).startsWith("upload; scope whole; files: ")
                .endsWith("left out (the active version " + serving.substring(0, 12) + " has them): "
                        + String.join(", ", leftOut));
        assertThat(active.get().version()).isEqualTo(serving);

        // A whole set that leaves out only what its author meant to: passes, and still says what it leaves out.
        Map<String, byte[]> withoutShippedScenarios = new LinkedHashMap<>(RuleSetApiIT.shippedFiles());
        withoutShippedScenarios.remove("scenarios/default-policy.csv");
        withoutShippedScenarios.put("scenarios/neutral.csv", ("scenario,invoices,action,channel,tone,stage\r\n"
                + "The first reminder to a consumer is friendly,I-1 USD 120.00 overdue 3,REMINDER,EMAIL,FRIENDLY,1\r\n")
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> validated = upload("/api/v1/rule-sets/validate", "policy.zip",
                RuleSetApiIT.zip(withoutShippedScenarios), Map.of("scope", List.of("WHOLE")));
        assertThat(validated.statusCode()).as(validated.body()).isEqualTo(200);
        JsonNode report = api().body(validated);
        assertThat(report.get("valid").asBoolean()).as(validated.body()).isTrue();
        assertThat(report.get("upload").get("leftOut").valueStream().map(JsonNode::asString))
                .containsExactly("scenarios/default-policy.csv");
        assertThat(report.get("problems").get(0).get("file").asString()).isEqualTo("scenarios/default-policy.csv");
        assertThat(api().body(api().get("/api/v1/rule-sets/" + report.get("version").asString() + "/events")).get(0)
                .get("detail").asString()).contains(" as a whole set: passed, 1 problem (0 errors)",
                        "scenarios/neutral.csv sha256 ", " from the upload",
                        "left out (the active version " + serving.substring(0, 12) + " has them): "
                                + "scenarios/default-policy.csv");
    }

    @Test
    void anUploadThatCannotBeTakenAsSentIsRefusedSayingWhyAndNothingIsStored() throws Exception {
        long versions = count("rule_set_versions");
        byte[] tone = Files.readAllBytes(Path.of("decision-tables", "tone.csv"));
        byte[] zip = RuleSetApiIT.zip(Map.of("decision-tables/tone.csv", tone));

        HttpResponse<String> unknownScope = upload("/api/v1/rule-sets", "change.zip", zip,
                Map.of("scope", List.of("partial")));
        HttpResponse<String> singleAsWhole = upload("/api/v1/rule-sets?scope=whole", "tone.csv", tone, Map.of());
        HttpResponse<String> deleteUnknown = upload("/api/v1/rule-sets", "change.zip", zip,
                Map.of("scope", List.of("change"), "delete", List.of("rules/nowhere.drl")));
        HttpResponse<String> deleteWhatItBrings = upload("/api/v1/rule-sets/validate", "change.zip", zip,
                Map.of("delete", List.of("decision-tables/tone.csv")));
        HttpResponse<String> deleteInWhole = upload("/api/v1/rule-sets", "change.zip", zip,
                Map.of("scope", List.of("whole"), "delete", List.of("rules/holds.drl")));

        api().assertProblem(unknownScope, 400, "invalid-request", "scope");
        assertThat(api().message(unknownScope, "scope")).contains("\"partial\" is not a scope", "scope=whole",
                "scope=change");
        api().assertProblem(singleAsWhole, 422, "upload-refused", null);
        assertThat(api().body(singleAsWhole).get("detail").asString()).contains("one file cannot be a whole rule set");
        api().assertProblem(deleteUnknown, 422, "upload-refused", null);
        assertThat(api().body(deleteUnknown).get("problems").get(0).get("message").asString())
                .contains("has no such file to delete", "rules/holds.drl");
        api().assertProblem(deleteWhatItBrings, 422, "upload-refused", null);
        assertThat(deleteWhatItBrings.body()).contains("the upload brings this file and asks to delete it");
        api().assertProblem(deleteInWhole, 422, "upload-refused", null);
        assertThat(deleteInWhole.body()).contains("leave rules/holds.drl out of the zip instead");
        assertThat(count("rule_set_versions")).isEqualTo(versions);
    }

    /**
     * The walk-through of docs/rule-sets.md, "Making the zip": the zips are made with the JDK's jar tool as the page
     * says, the whole set is taken as the version the shipped files make, the change as the version the page shows,
     * which is then activated and rolled back. The page's hashes are those of the shipped files: a change to them
     * fails here until the page shows the new ones.
     */
    @Test
    void theZipsDocsRuleSetsMdMakesAreTakenAsItSaysAndHaveTheVersionsItShows(@TempDir Path dir) throws Exception {
        String doc = Files.readString(Path.of("docs", "rule-sets.md"));
        Map<String, byte[]> shippedFiles = RuleSetApiIT.shippedFiles();
        String shipped = RuleSetCompiler.versionOf(sources(shippedFiles));
        Map<String, byte[]> changed = documentedChange(shippedFiles);
        Map<String, byte[]> changedSet = new LinkedHashMap<>(shippedFiles);
        changedSet.putAll(changed);
        String change = RuleSetCompiler.versionOf(sources(changedSet));
        assertThat(doc).as("docs/rule-sets.md shows the version of the shipped files; update it to " + shipped)
                .contains(shipped.substring(0, 12));
        assertThat(doc).as("docs/rule-sets.md shows the version of its change; update it to " + change)
                .contains(change.substring(0, 12));
        Map<String, byte[]> toneOnly = new LinkedHashMap<>(shippedFiles);
        toneOnly.put("decision-tables/tone.csv", changed.get("decision-tables/tone.csv"));
        String toneAlone = RuleSetCompiler.versionOf(sources(toneOnly));
        assertThat(doc).as("docs/rule-sets.md shows the version of its table alone; update it to " + toneAlone)
                .contains(toneAlone);
        assertThat(doc).contains("jar --create --no-manifest --file policy.zip rules decision-tables scenarios",
                "jar --create --no-manifest --file change.zip -C change .");
        DOCUMENTED_EDITS.values().forEach(edits -> edits.forEach(e -> assertThat(doc).contains(
                "s/" + e[0] + "/" + e[1] + "/")));
        assertThat(active.get().version()).isEqualTo(shipped);

        Path policyZip = dir.resolve("policy.zip");
        jar("--create", "--no-manifest", "--file", policyZip.toString(), "rules", "decision-tables", "scenarios");
        HttpResponse<String> whole = upload("/api/v1/rule-sets", "policy.zip", Files.readAllBytes(policyZip), Map.of());
        assertThat(whole.statusCode()).as("the shipped set is a version already: " + whole.body()).isEqualTo(200);
        assertThat(api().body(whole).get("version").asString()).isEqualTo(shipped);
        assertThat(api().body(whole).get("upload").get("summary").asString()).startsWith("Taken as a whole set (no "
                + "scope was sent; the zip holds every file of the active version " + shipped.substring(0, 12));

        for (var file : changed.entrySet()) {
            Path target = dir.resolve("change").resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.write(target, file.getValue());
        }
        Path changeZip = dir.resolve("change.zip");
        jar("--create", "--no-manifest", "--file", changeZip.toString(), "-C", dir.resolve("change").toString(), ".");
        HttpResponse<String> submitted = upload("/api/v1/rule-sets", "change.zip", Files.readAllBytes(changeZip),
                Map.of("scope", List.of("change"), "comment", List.of("calls in a formal tone")));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
        assertThat(api().body(submitted).get("version").asString()).isEqualTo(change);
        assertThat(api().body(submitted).get("upload").get("summary").asString()).contains("2 files from the upload");

        HttpResponse<String> activated = api().post("/api/v1/rule-sets/" + change.substring(0, 12) + "/activate", "");
        assertThat(activated.statusCode()).as(activated.body()).isEqualTo(200);
        assertThat(active.get().version()).isEqualTo(change);
        assertThat(api().get("/api/v1/rule-sets/" + shipped.substring(0, 12) + "/diff/" + change.substring(0, 12))
                .body()).contains("tone.csv!tone!I19: FIRM -> FORMAL");
        HttpResponse<String> rolledBack = api().post("/api/v1/rule-sets/" + shipped.substring(0, 12) + "/activate",
                "");
        assertThat(rolledBack.statusCode()).as(rolledBack.body()).isEqualTo(200);
        assertThat(active.get().version()).isEqualTo(shipped);
    }

    /** The two files the documentation's change edits, edited. */
    static Map<String, byte[]> documentedChange(Map<String, byte[]> files) {
        Map<String, byte[]> changed = new LinkedHashMap<>();
        DOCUMENTED_EDITS.forEach((name, edits) -> {
            String text = new String(files.get(name), StandardCharsets.UTF_8);
            for (String[] edit : edits) {
                assertThat(text).as(name + " no longer has what the documented change edits").contains(edit[0]);
                text = text.replace(edit[0], edit[1]);
            }
            changed.put(name, text.getBytes(StandardCharsets.UTF_8));
        });
        return changed;
    }

    static List<RuleSource> sources(Map<String, byte[]> files) {
        return files.entrySet().stream().map(e -> new RuleSource(e.getKey(), e.getValue())).toList();
    }

    /** The JDK's jar tool, in process, as the documentation runs it from the repository root. */
    static void jar(String... args) {
        ToolProvider jar = ToolProvider.findFirst("jar").orElseThrow();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = jar.run(System.out, new PrintStream(err, true, StandardCharsets.UTF_8), args);
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
    }

    long count(String table) {
        return jdbc.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single();
    }

    /** A multipart upload with the file in the part "file" and the form fields given (each may repeat). */
    HttpResponse<String> upload(String path, String filename, byte[] content, Map<String, List<String>> fields) {
        String boundary = "----rule-set-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        fields.forEach((name, values) -> values.forEach(value -> body.writeBytes(("--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
                .getBytes(StandardCharsets.UTF_8))));
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
}
