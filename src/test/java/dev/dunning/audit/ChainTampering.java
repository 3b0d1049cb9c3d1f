package dev.dunning.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.web.DecisionApiIT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.ObjectMapper;

/** What the audit tamper tests share: decisions made over HTTP, and changes made as a privileged user would. */
public final class ChainTampering {

    private ChainTampering() {}

    /**
     * The start of a test's range of records, strictly after every record of earlier tests: waits until the clock
     * has moved past the moment of the call (records carry microseconds), instead of sleeping a fixed time.
     */
    public static Instant startAfterEarlierRecords() {
        Instant earlier = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return Awaitility.await().atMost(Duration.ofSeconds(1)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(1)).until(Instant::now, now -> now.isAfter(earlier.plusMillis(1)));
    }

    /**
     * Tampering as a privileged user would: drop the tables' triggers, change them, put the triggers back. The test
     * database's user is root, like a database administrator.
     */
    public static void bypassingTriggers(JdbcClient jdbc, Runnable tamper, String... tables) {
        List<String> definitions = new ArrayList<>();
        for (String table : tables) {
            List<String> triggers = jdbc.sql("SELECT trigger_name FROM information_schema.triggers "
                            + "WHERE event_object_schema = DATABASE() AND event_object_table = ?")
                    .param(table).query(String.class).list();
            for (String trigger : triggers) {
                definitions.add(jdbc.sql("SHOW CREATE TRIGGER " + trigger)
                        .query((rs, n) -> rs.getString("SQL Original Statement")).single()
                        // The embedded server runs without grant tables, where the recorded definer is empty.
                        .replaceFirst("DEFINER=\\S+ ", ""));
                jdbc.sql("DROP TRIGGER " + trigger).update();
            }
        }
        try {
            tamper.run();
        } finally {
            definitions.forEach(d -> jdbc.sql(d).update());
        }
    }

    /** Asks for {@code n} decisions on the documented example; their ids in order. */
    static List<String> decide(HttpClient http, int port, ObjectMapper json, int n) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + "/api/v1/decisions/evaluate"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(DecisionApiIT.EXAMPLE)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            ids.add(json.readTree(response.body()).get("decisionId").asString());
        }
        return ids;
    }
}
