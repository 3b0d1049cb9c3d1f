package dev.dunning.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * An evaluation that runs past its time budget is stopped between two firings and answered 503 problem+json naming
 * the rule that fired last, and counted; with a budget of a microsecond, every decision runs past it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "dunning.evaluation-budget=1us")
class EvaluationBudgetIT {

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    @Autowired
    MeterRegistry meters;

    @Test
    void aDecisionPastItsBudgetIsStoppedAnswered503NamingTheRuleAndCounted() throws Exception {
        double before = meters.find("dunning.rules.evaluation.timeouts").counters().stream()
                .mapToDouble(c -> c.count()).sum();

        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/v1/decisions/evaluate"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(DecisionApiIT.EXAMPLE)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("type").asString()).endsWith("/rule-timeout");
        assertThat(problem.get("rule").asString()).isNotBlank();
        assertThat(problem.get("source").asString()).startsWith("decision-tables/");
        assertThat(problem.get("detail").asString()).contains("time budget", "dunning.evaluation-budget");
        double after = meters.find("dunning.rules.evaluation.timeouts").counters().stream()
                .mapToDouble(c -> c.count()).sum();
        assertThat(after).isEqualTo(before + 1);
    }
}
