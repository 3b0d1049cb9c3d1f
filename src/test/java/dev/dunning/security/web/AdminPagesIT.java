package dev.dunning.security.web;

import static dev.dunning.web.ConsolePeople.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dunning.database.TestDatabase;
import dev.dunning.security.ApiKeys;
import dev.dunning.security.ConsoleUsers;
import dev.dunning.security.Role;
import dev.dunning.security.UserCommand;
import dev.dunning.web.Browser;
import dev.dunning.web.ConsolePeople;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The people and keys pages in a real browser, on a database of their own (so the lists, and the screenshots, hold
 * only this test's people): an administrator creates a person (the generated password shown once), changes roles,
 * lifts a lockout with a new password, disables; cannot disable themselves nor take ADMIN from the last
 * administrator; creates an API key (shown once, not on reload), revokes it and the API refuses it. A name is one
 * kind of principal only, whichever of the console, the API and the command line asks. A non-administrator is
 * refused.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DirtiesContext // a database of its own: see RunIT
class AdminPagesIT {

    /** Fixed names: they show in the screenshots. */
    static final String ADMIN = "ada";
    static final String CONTROLLER = "carla";

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        TestDatabase.freshDatabase("adminpages").register(registry);
    }

    @LocalServerPort
    int port;
    @Autowired
    ConsoleUsers users;
    @Autowired
    ApiKeys keys;
    @Autowired
    UserCommand userCommand;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    JsonMapper json;

    Browser browser;

    @BeforeAll
    void people() {
        ConsolePeople people = new ConsolePeople(users);
        people.fixed(ADMIN, Role.ADMIN);
        people.fixed(CONTROLLER, Role.CREDIT_CONTROLLER);
    }

    @BeforeEach
    void openBrowser() {
        browser = Browser.on(port);
    }

    @Test
    void anAdministratorManagesAPersonWhosePasswordIsShownOnce() {
        browser.signIn(ADMIN, PASSWORD);
        browser.driver().findElement(By.cssSelector("header nav a[href='/console/admin']")).click();
        browser.waitUntil(d -> d.getCurrentUrl().endsWith("/console/admin/people"));
        browser.checked();
        assertThat(browser.text("h1")).isEqualTo("People");

        browser.field("name").sendKeys("maria");
        browser.driver().findElement(By.cssSelector("form.new-person input[value=CREDIT_CONTROLLER]")).click();
        submit("form.new-person");
        String password = browser.text(".notice.once code.secret");
        assertThat(browser.text(".notice.once")).contains("Created \"maria\".");
        String hash = jdbc.sql("SELECT password_hash FROM console_users WHERE name = 'maria'").query(String.class)
                .single();
        assertThat(PasswordEncoderFactories.createDelegatingPasswordEncoder().matches(password, hash))
                .as("the password shown is the one stored (as a hash)").isTrue();
        assertThat(users.find("maria").orElseThrow().roles()).containsExactly(Role.CREDIT_CONTROLLER);
        assertThat(users.find("maria").orElseThrow().createdBy()).isEqualTo(ADMIN);
        browser.visit("/console/admin/people");
        assertThat(browser.driver().getPageSource()).as("not shown again").doesNotContain(password);

        WebElement maria = row("maria");
        maria.findElement(By.cssSelector(".roles-form input[value=AUDITOR]")).click();
        maria.findElement(By.cssSelector(".roles-form button")).click();
        browser.waitUntil(d -> row("maria").findElement(By.cssSelector(".roles")).getText().contains("AUDITOR"));
        assertThat(users.find("maria").orElseThrow().roles()).containsExactlyInAnyOrder(Role.CREDIT_CONTROLLER,
                Role.AUDITOR);

        jdbc.sql("UPDATE console_users SET locked_until = ? WHERE name = 'maria'")
                .param(java.sql.Timestamp.from(Instant.now().plusSeconds(3600))).update();
        browser.visit("/console/admin/people");
        assertThat(row("maria").findElement(By.cssSelector(".state")).getText()).startsWith("locked out until");
        row("maria").findElement(By.cssSelector(".password-form button")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector(".notice.once")).isEmpty());
        browser.checked();
        assertThat(browser.text(".notice.once")).contains("\"maria\" has a new password; a lockout is lifted.");
        assertThat(row("maria").findElement(By.cssSelector(".state")).getText()).isEqualTo("active");
        assertThat(users.find("maria").orElseThrow().lockedUntil()).isNull();
        browser.driver().executeScript("document.getElementById('people-list').scrollIntoView();");
        browser.screenshot("people");

        row("maria").findElement(By.cssSelector(".disable-form button")).click();
        browser.waitUntil(d -> row("maria").findElement(By.cssSelector(".state")).getText().startsWith("disabled"));
        assertThat(row("maria").getText()).contains("by " + ADMIN);
        assertThat(users.find("maria").orElseThrow().enabled()).isFalse();
    }

    @Test
    void anAdministratorCannotDisableThemselvesNorTakeAdminFromTheLastAdministrator() {
        browser.signIn(ADMIN, PASSWORD);
        browser.visit("/console/admin/people");
        row(ADMIN).findElement(By.cssSelector(".disable-form button")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector(".refusal")).isEmpty());
        browser.checked();
        assertThat(browser.text(".refusal")).isEqualTo("you cannot disable yourself: you would be signed out with no "
                + "way back in; ask another administrator");
        assertThat(users.find(ADMIN).orElseThrow().enabled()).isTrue();

        browser.visit("/console/admin/people");
        WebElement ada = row(ADMIN);
        ada.findElement(By.cssSelector(".roles-form input[value=ADMIN]")).click();
        ada.findElement(By.cssSelector(".roles-form input[value=AUDITOR]")).click();
        ada.findElement(By.cssSelector(".roles-form button")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector(".refusal")).isEmpty());
        assertThat(browser.text(".refusal")).isEqualTo("\"ada\" is the last enabled administrator and cannot be left "
                + "without ADMIN: nobody could manage people and keys in the console any more; make another person "
                + "an administrator first");
        assertThat(users.find(ADMIN).orElseThrow().roles()).containsExactly(Role.ADMIN);
        // The command line keeps the same rule.
        assertThatThrownBy(() -> users.disable(ADMIN, "command line")).hasMessageContaining("last enabled administrator");
    }

    @Test
    void anAdministratorCreatesAKeyShownOnceAndRevokesItAfterWhichTheApiRefusesIt() throws Exception {
        browser.signIn(ADMIN, PASSWORD);
        browser.visit("/console/admin/api-keys");
        browser.field("name").sendKeys("erp-billing");
        browser.driver().findElement(By.cssSelector("form.new-key input[value=BILLING_SYSTEM]")).click();
        submit("form.new-key");
        String key = browser.text(".notice.once code.secret");
        assertThat(key).startsWith("dk_");
        assertThat(api(key).statusCode()).as("the new key works").isEqualTo(404);
        assertThat(keys.findActive(key).orElseThrow().createdBy()).isEqualTo(ADMIN);

        browser.visit("/console/admin/api-keys");
        assertThat(browser.driver().getPageSource()).as("not shown again").doesNotContain(key);
        browser.driver().executeScript("document.getElementById('keys-list').scrollIntoView();");
        browser.screenshot("api-keys");
        long id = keys.findActive(key).orElseThrow().id();
        browser.driver().findElement(By.cssSelector("tr[data-key='" + id + "'] .revoke-form button")).click();
        browser.waitUntil(d -> d.findElement(By.cssSelector("tr[data-key='" + id + "'] .state")).getText()
                .startsWith("revoked"));
        browser.checked();
        HttpResponse<String> refused = api(key);
        assertThat(refused.statusCode()).as("the API refuses the revoked key").isEqualTo(401);
        assertThat(json.readTree(refused.body()).get("detail").asString()).contains("revoked");
    }

    @Test
    void aNameBelongsToOneKindOfPrincipalWhetherConsoleApiOrCommandLineAsks() throws Exception {
        users.create("zoe", EnumSet.of(Role.AUDITOR), PASSWORD, "test");
        keys.create("hal", EnumSet.of(Role.AUDITOR), "test");

        browser.signIn(ADMIN, PASSWORD);
        browser.visit("/console/admin/api-keys");
        browser.field("name").sendKeys("zoe");
        browser.driver().findElement(By.cssSelector("form.new-key input[value=AUDITOR]")).click();
        submit("form.new-key");
        assertThat(browser.text("#name-problem")).isEqualTo("a person who signs in to the console is named \"zoe\"; "
                + "choose another name, so that audit records tell the key from the person");
        assertThat(browser.field("name").getAttribute("value")).isEqualTo("zoe");

        browser.visit("/console/admin/people");
        browser.field("name").sendKeys("hal");
        browser.driver().findElement(By.cssSelector("form.new-person input[value=AUDITOR]")).click();
        submit("form.new-person");
        assertThat(browser.text("#name-problem")).startsWith("an API key is named \"hal\"");
        assertThat(users.find("hal")).isEmpty();

        HttpResponse<String> api = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/v1/api-keys"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"zoe\", \"roles\": [\"AUDITOR\"]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).as(api.body()).isEqualTo(409);
        assertThat(json.readTree(api.body()).get("detail").asString())
                .startsWith("name: a person who signs in to the console is named \"zoe\"");
        assertThat(userCommand.run(List.of("add", "hal", "--role", "AUDITOR"))).as("the user command refuses it too")
                .isEqualTo(1);
        assertThat(keys.list().stream().filter(k -> k.name().equals("zoe"))).isEmpty();
    }

    @Test
    void someoneWithoutAdminIsRefusedThePeopleAndKeysPages() {
        browser.signIn(CONTROLLER, PASSWORD);
        assertThat(browser.driver().findElements(By.cssSelector("header nav a[href='/console/admin']"))).isEmpty();
        for (String page : List.of("/console/admin/people", "/console/admin/api-keys")) {
            browser.visit(page);
            assertThat(browser.text(".problem h1")).as(page).isEqualTo("Not allowed");
        }
    }

    /** Sends the form by its button and waits for the page that answers it (a new document). */
    private void submit(String form) {
        browser.driver().executeScript("window.submitted = true;");
        browser.driver().findElement(By.cssSelector(form + " button[type=submit]")).click();
        browser.waitUntil(d -> Boolean.TRUE.equals(browser.driver().executeScript(
                "return window.submitted === undefined;")));
        browser.checked();
    }

    private WebElement row(String name) {
        return browser.driver().findElement(By.cssSelector("tr[data-person='" + name + "']"));
    }

    private HttpResponse<String> api(String key) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/v1/customers/NO-SUCH-CUSTOMER"))
                .header("X-Api-Key", key).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
