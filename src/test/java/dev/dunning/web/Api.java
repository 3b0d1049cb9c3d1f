package dev.dunning.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** A small HTTP client for API tests against the running application on its random port. */
public final class Api {

    private final HttpClient http = HttpClient.newHttpClient();
    private final int port;
    private final ObjectMapper json;
    private final String apiKey;

    public Api(int port, ObjectMapper json) {
        this(port, json, null);
    }

    /** Calls as the holder of {@code apiKey} instead of the tests' default credentials. */
    public Api(int port, ObjectMapper json, String apiKey) {
        this.port = port;
        this.json = json;
        this.apiKey = apiKey;
    }

    public HttpResponse<String> get(String path) {
        return send(request(path).GET());
    }

    HttpResponse<String> put(String path, String body) {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    public HttpResponse<String> post(String path, String body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> delete(String path) {
        return send(request(path).DELETE());
    }

    JsonNode body(HttpResponse<String> response) {
        return json.readTree(response.body());
    }

    /** Asserts a problem+json answer with this status and type that names this field among its errors. */
    public void assertProblem(HttpResponse<String> response, int status, String type, String field) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode problem = body(response);
        assertThat(problem.get("type").asString()).isEqualTo("https://dunning.dev/problems/" + type);
        if (field != null) {
            assertThat(problem.get("errors").valueStream().map(e -> e.get("field").asString()))
                    .as(response.body()).contains(field);
        }
    }

    /** The message the problem gives for the field. */
    String message(HttpResponse<String> response, String field) {
        return body(response).get("errors").valueStream().filter(e -> e.get("field").asString().equals(field))
                .map(e -> e.get("message").asString()).findFirst().orElseThrow();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        return apiKey == null ? request : request.header("X-Api-Key", apiKey);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String customerJson(String country, String timeZone, String currency) {
        return """
                {"name": "Ada Example", "segment": "CONSUMER", "country": "%s", "language": "de",
                 "timeZone": "%s", "currency": "%s", "riskScore": 30, "tenureMonths": 12,
                 "consents": {"EMAIL": true, "SMS": false, "PHONE": true, "LETTER": true}}
                """.formatted(country, timeZone, currency);
    }

    static String invoiceJson(String customerId, String currency, String amount, String issue, String due) {
        return """
                {"customerId": "%s", "number": "2025-0042", "currency": "%s", "amount": "%s",
                 "issueDate": "%s", "dueDate": "%s", "paymentMethod": "CARD"}
                """.formatted(customerId, currency, amount, issue, due);
    }
}
