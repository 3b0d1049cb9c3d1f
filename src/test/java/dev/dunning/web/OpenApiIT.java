package dev.dunning.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The OpenAPI document describes every endpoint of the application and how to authenticate. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenApiIT {

    @LocalServerPort
    int port;
    @Autowired
    JsonMapper json;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theDocumentDescribesEveryRequestMappingAndTheSecuritySchemes() throws Exception {
        JsonNode document = json.readTree(get("/v3/api-docs").body());
        JsonNode paths = document.get("paths");

        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
            for (String pattern : info.getPathPatternsCondition().getPatternValues()) {
                if (pattern.equals("/error") || pattern.startsWith("/v3/api-docs") || pattern.startsWith("/swagger-ui")
                        || pattern.equals("/console") || pattern.startsWith("/console/")) {
                    continue; // the container's error page, the document's own endpoints, the console's pages
                }
                for (var method : info.getMethodsCondition().getMethods()) {
                    checked++;
                    // OpenAPI has no catch-all variable: a mapping's {*name} is the document's {name}.
                    JsonNode path = paths.get(pattern.replaceAll("\\{\\*(\\w+)}", "{$1}"));
                    if (path == null || !path.has(method.name().toLowerCase(Locale.ROOT))) {
                        missing.add(method + " " + pattern);
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(30);
        assertThat(missing).as("endpoints the OpenAPI document does not describe").isEmpty();
        assertThat(paths.propertyNames()).as("the console's pages are not API").noneMatch(p -> p.startsWith("/console"));

        JsonNode schemes = document.get("components").get("securitySchemes");
        assertThat(schemes.get("apiKey").get("type").asString()).isEqualTo("apiKey");
        assertThat(schemes.get("apiKey").get("name").asString()).isEqualTo("X-Api-Key");
        assertThat(schemes.get("bearer").get("scheme").asString()).isEqualTo("bearer");
        assertThat(document.get("security").toString()).contains("apiKey", "bearer");
    }

    @Test
    void theAuditFiltersAreDocumentedOneByOneAsQueryParameters() throws Exception {
        JsonNode paths = json.readTree(get("/v3/api-docs").body()).get("paths");
        List<String> filters = List.of("customerId", "from", "to", "action", "channel", "ruleName", "ruleSetVersion",
                "entryPoint", "policy");
        for (String path : List.of("/api/v1/audit/decisions", "/api/v1/audit/export")) {
            List<String> query = new ArrayList<>();
            paths.get(path).get("get").get("parameters").forEach(p -> {
                if (p.get("in").asString().equals("query")) {
                    query.add(p.get("name").asString());
                }
            });
            assertThat(query).as(path).containsAll(filters);
        }
        JsonNode from = paths.get("/api/v1/audit/decisions").get("get").get("parameters").valueStream()
                .filter(p -> p.get("name").asString().equals("from")).findFirst().orElseThrow();
        assertThat(from.get("schema").get("format").asString()).as("an instant").isEqualTo("date-time");
    }

    @Test
    void swaggerUiIsServed() throws Exception {
        HttpResponse<String> ui = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/swagger-ui/index.html")).header("X-Test-No-Credentials", "true").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).contains("swagger");
    }

    private HttpResponse<String> get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("X-Test-No-Credentials", "true").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response;
    }
}
