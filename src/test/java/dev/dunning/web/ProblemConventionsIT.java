package dev.dunning.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Errors that no controller makes are problem+json too, with a stable type and the request's trace id. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ProblemConventionsIT {

    @LocalServerPort
    int port;
    @Autowired
    JsonMapper json;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anUnknownPathIs404WithTheCallersTraceId() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/v1/nothing-here"))
                .header(TraceIdFilter.HEADER, "ticket-4711-abc").GET());
        JsonNode problem = problem(response, 404, "not-found");
        assertThat(problem.get("traceId").asString()).isEqualTo("ticket-4711-abc");
        assertThat(response.headers().firstValue(TraceIdFilter.HEADER)).hasValue("ticket-4711-abc");
    }

    @Test
    void aTraceIdThatCouldSmuggleSomethingIsReplaced() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/v1/nothing-here"))
                .header(TraceIdFilter.HEADER, "x\" <script>").GET());
        assertThat(problem(response, 404, "not-found").get("traceId").asString()).matches("[0-9a-f-]{36}");
    }

    @Test
    void anUnsupportedMethodIs405() throws Exception {
        problem(send(HttpRequest.newBuilder(uri("/api/v1/customers/C-1"))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json")),
                405, "method-not-allowed");
    }

    @Test
    void anUnsupportedContentTypeIs415() throws Exception {
        problem(send(HttpRequest.newBuilder(uri("/api/v1/customers/C-1")).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("segment=CONSUMER"))), 415, "unsupported-media-type");
    }

    @Test
    void aJsonBodyOverTheLimitIs413BeforeItIsRead() throws Exception {
        String big = "{\"name\": \"" + "x".repeat(1_100_000) + "\"}";
        JsonNode problem = problem(send(HttpRequest.newBuilder(uri("/api/v1/customers/C-1"))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(big))),
                413, "body-too-large");
        assertThat(problem.get("detail").asString()).contains("dunning.api.max-json-body");
        // Chunked, without a length to refuse up front: read up to the limit, then refused the same way.
        problem(send(HttpRequest.newBuilder(uri("/api/v1/customers/C-1")).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big.getBytes())))),
                413, "body-too-large");
    }

    @Test
    void anUnknownPathIsSaidInTheApisWordsNotAsAMissingStaticFile() throws Exception {
        JsonNode problem = problem(send(HttpRequest.newBuilder(uri("/api/v1/nothing-here")).GET()), 404, "not-found");
        assertThat(problem.get("title").asString()).isEqualTo("Not found");
        assertThat(problem.get("detail").asString()).contains("GET /api/v1/nothing-here", "/v3/api-docs")
                .doesNotContain("static");
    }

    @Test
    void anUploadWithoutItsFilePartNamesThePart() throws Exception {
        String boundary = "b0undary";
        String form = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--" + boundary
                + "--\r\n";
        JsonNode problem = problem(send(HttpRequest.newBuilder(uri("/api/v1/rule-sets/validate"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(form))), 400, "invalid-request");
        assertThat(problem.get("title").asString()).isEqualTo("Invalid request");
        assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("file");
        assertThat(problem.get("detail").asString()).startsWith("file: is required");
    }

    @Test
    void malformedJsonIs400() throws Exception {
        problem(send(HttpRequest.newBuilder(uri("/api/v1/decisions")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"customerId\": "))), 400, "invalid-request");
    }

    private JsonNode problem(HttpResponse<String> response, int status, String type) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("type").asString()).isEqualTo("https://dunning.dev/problems/" + type);
        assertThat(problem.get("title").asString()).isNotBlank();
        assertThat(problem.get("detail").asString()).isNotBlank();
        assertThat(problem.get("traceId").asString()).isNotBlank();
        return problem;
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
