package dev.dunning.security.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import dev.dunning.runs.Runs;
import dev.dunning.web.Browser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Company sign-in to the console against a real OpenID Connect provider running in this JVM (NAV's
 * mock-oauth2-server: discovery, authorize, token, userinfo and JWKS over HTTP), with the browser following every
 * redirect: the person's groups give their roles through dunning.console.oidc.group-roles, their name is what the
 * console records (a run started by them), a person without a mapped group is turned away, and the API never
 * accepts the session the sign-in made.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "dunning.console.oidc.group-roles.dunning-controllers=CREDIT_CONTROLLER",
    "dunning.console.oidc.group-roles.dunning-auditors=AUDITOR"})
class OidcSignInIT {

    static final MockOAuth2Server PROVIDER = new MockOAuth2Server();
    static final String ISSUER = "company";

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        PROVIDER.start();
        String prefix = "spring.security.oauth2.client.registration.company.";
        registry.add(prefix + "client-id", () -> "dunning-console");
        registry.add(prefix + "client-secret", () -> "console-secret");
        registry.add(prefix + "client-name", () -> "the company account");
        registry.add(prefix + "scope", () -> "openid,profile");
        registry.add(prefix + "redirect-uri", () -> "{baseUrl}/console/login/oauth2/code/{registrationId}");
        registry.add("spring.security.oauth2.client.provider.company.issuer-uri",
                () -> PROVIDER.issuerUrl(ISSUER).toString());
    }

    @AfterAll
    static void stopProvider() {
        PROVIDER.shutdown();
    }

    @LocalServerPort
    int port;
    @Autowired
    Runs runs;

    Browser browser;

    @BeforeEach
    void openBrowser() {
        browser = Browser.on(port);
    }

    /** The provider signs the next person in with these claims (its login is not interactive). */
    private static void nextPerson(String name, List<String> groups) {
        PROVIDER.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER, "subject-" + name,
                JOSEObjectType.JWT.getType(), List.of("dunning-console"),
                Map.of("preferred_username", name, "groups", groups), 3600));
    }

    /** The redirects are over: the browser is on a console page, not at the provider nor on the way back. */
    private static boolean backInTheConsole(org.openqa.selenium.WebDriver d) {
        String url = d.getCurrentUrl();
        return url.contains("/console") && !url.contains("/oauth2/") && !url.contains("/authorize")
                && !url.startsWith(PROVIDER.issuerUrl(ISSUER).toString());
    }

    @Test
    void aPersonSignsInWithTheCompanyAccountGetsTheirGroupsRolesAndIsRecordedByName() throws Exception {
        nextPerson("maria.company", List.of("dunning-controllers", "staff"));
        browser.visit("/console/login");
        browser.driver().findElement(By.cssSelector("a.company-sign-in")).click();
        browser.waitUntil(OidcSignInIT::backInTheConsole);
        browser.checked();
        assertThat(browser.path()).as(browser.driver().getPageSource()).matches("/console(\\?continue)?");
        assertThat(browser.text(".signed-in span")).isEqualTo("Signed in as maria.company");
        assertThat(browser.driver().findElements(By.cssSelector("header nav a")))
                .extracting(e -> e.getAttribute("href").replaceFirst("^http://[^/]+", ""))
                .as("CREDIT_CONTROLLER's sections only")
                .containsExactly("/console/rule-sets", "/console/queues", "/console/customers", "/console/runs",
                        "/console/effectiveness", "/console/challenger-tests");

        browser.visit("/console/runs");
        browser.field("asOf").sendKeys("2026-03-02");
        browser.field("country").sendKeys("AQ"); // a small run: the shared test database may hold many customers
        browser.driver().findElement(By.cssSelector("form.start-run button[type=submit]")).click();
        browser.waitUntil(d -> d.getCurrentUrl().matches(".*/console/runs/\\d+$"));
        long id = Long.parseLong(browser.path().substring("/console/runs/".length()));
        assertThat(runs.status(id).orElseThrow().startedBy()).as("the person's name, as for a local account")
                .isEqualTo("maria.company");

        browser.visit("/console/decisions");
        assertThat(browser.text(".problem h1")).as("no AUDITOR group, no auditor's page").isEqualTo("Not allowed");

        String session = browser.cookie("DUNNING_CONSOLE");
        assertThat(session).isNotBlank();
        HttpResponse<String> api = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/v1/runs"))
                .header("Cookie", "DUNNING_CONSOLE=" + session)
                .header(dev.dunning.security.TestCredentials.NO_CREDENTIALS, "yes").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).as("the API never takes the console's session").isEqualTo(401);
    }

    @Test
    void aPersonWhoseGroupsHaveNoRoleHereIsTurnedAway() {
        nextPerson("sam.company", List.of("staff"));
        browser.visit("/console/login");
        browser.driver().findElement(By.cssSelector("a.company-sign-in")).click();
        browser.waitUntil(OidcSignInIT::backInTheConsole);
        browser.checked();
        assertThat(browser.path()).isEqualTo("/console/login?company-error");
        assertThat(browser.text(".notice.error")).startsWith("The company sign-in did not let you in");
        browser.visit("/console/runs");
        assertThat(browser.path()).as("not signed in").startsWith("/console/login");
    }
}
