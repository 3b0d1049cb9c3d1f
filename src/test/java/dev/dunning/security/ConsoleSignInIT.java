package dev.dunning.security;

import static dev.dunning.web.ConsolePeople.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.web.Browser;
import dev.dunning.web.ConsolePeople;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Signing in to the console in a real browser: wrong passwords refused and counted to a lockout that every instance
 * sees (it is in the database), forged CSRF tokens and missing roles refused with the console's own 403 page, the
 * session cookie's flags, the API deaf to that cookie, and the pages in German when the browser asks for German.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"dunning.console.max-failed-logins=3", "dunning.console.lockout=15m"})
class ConsoleSignInIT {

    @LocalServerPort
    int port;
    @Autowired
    ConsoleUsers users;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    UserCommand userCommand;

    Browser browser;
    String controller;
    String admin;

    @BeforeEach
    void people() {
        ConsolePeople people = new ConsolePeople(users);
        controller = people.person("carla", Role.CREDIT_CONTROLLER);
        admin = people.person("adam", Role.ADMIN);
        browser = Browser.on(port);
    }

    @Test
    void aWrongPasswordIsRefusedAndTheRightOneSignsInWithASafeCookie() {
        browser.visit("/console");
        assertThat(browser.path()).as("not signed in: the login page").startsWith("/console/login");
        browser.screenshot("login");

        browser.signIn(controller, "not the password at all");
        assertThat(browser.path()).startsWith("/console/login?error");
        assertThat(browser.text(".notice.error")).contains("Wrong name or password");
        assertThat(users.find(controller).orElseThrow().failedLogins()).isEqualTo(1);

        browser.signIn(controller, PASSWORD);
        assertThat(browser.path()).startsWith("/console");
        assertThat(browser.text("h1")).isEqualTo("Welcome, " + controller);
        assertThat(browser.text("nav")).contains("Rule sets");
        assertThat(users.find(controller).orElseThrow().failedLogins()).isZero();
        var cookie = browser.driver().manage().getCookieNamed("DUNNING_CONSOLE");
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Lax");
        assertThat(cookie.getPath()).isEqualTo("/console");
        browser.screenshot("start");
    }

    @Test
    void afterRepeatedFailuresEvenTheRightPasswordIsRefusedUntilTheLockoutEnds() {
        for (int i = 0; i < 3; i++) {
            browser.signIn(controller, "guess number " + i + " is wrong");
        }
        Instant lockedUntil = users.find(controller).orElseThrow().lockedUntil();
        assertThat(lockedUntil).as("locked for dunning.console.lockout").isAfter(Instant.now().plusSeconds(14 * 60));

        browser.signIn(controller, PASSWORD);
        assertThat(browser.path()).as("locked: the right password is refused too").startsWith("/console/login?error");

        // The lockout has ended (as another instance would see it: it is a row in the database).
        jdbc.sql("UPDATE console_users SET locked_until = ? WHERE name = ?")
                .params(java.time.LocalDateTime.of(2020, 1, 1, 0, 0), controller).update();
        browser.signIn(controller, PASSWORD);
        assertThat(browser.text("h1")).isEqualTo("Welcome, " + controller);
    }

    @Test
    void aForgedCsrfTokenIsRefusedWithTheConsoles403Page() {
        browser.signIn(controller, PASSWORD);
        browser.driver().executeScript("""
                const form = document.querySelector('form.signed-in');
                form.querySelector('input[name=_csrf]').value = 'forged-token';
                form.submit();""");
        browser.waitUntil(d -> !d.findElements(By.cssSelector(".problem")).isEmpty());
        browser.checked();
        assertThat(browser.text(".problem h1")).isEqualTo("The form has expired");
        assertThat(browser.text(".problem .trace")).contains("403").containsPattern("Trace id \\S{8,}");

        browser.visit("/console");
        assertThat(browser.text("h1")).as("the forged sign-out did nothing").isEqualTo("Welcome, " + controller);
    }

    @Test
    void aRoleWithoutTheRightGetsThe403PageNotAWhiteLabelPage() {
        browser.signIn(admin, PASSWORD);
        assertThat(browser.text("header")).doesNotContain("Rule sets");
        browser.visit("/console/rule-sets");
        assertThat(browser.text(".problem h1")).isEqualTo("Not allowed");
        assertThat(browser.text(".problem .detail")).contains("Your roles do not allow this page");
        assertThat(browser.text(".problem .trace")).contains("403");
        assertThat(browser.driver().getPageSource()).doesNotContain("Whitelabel").doesNotContain("Exception");
        browser.screenshot("forbidden");

        browser.visit("/console/no-such-page");
        assertThat(browser.text(".problem h1")).isEqualTo("Not found");
        assertThat(browser.text(".problem .trace")).contains("404").containsPattern("Trace id \\S{8,}");
    }

    @Test
    void theApiRefusesTheConsolesSessionCookie() throws Exception {
        browser.signIn(controller, PASSWORD);
        String session = browser.cookie("DUNNING_CONSOLE");
        assertThat(session).isNotBlank();
        HttpClient http = HttpClient.newHttpClient();

        HttpResponse<String> console = http.send(request("/console", session), HttpResponse.BodyHandlers.ofString());
        assertThat(console.statusCode()).as("the cookie is a live session").isEqualTo(200);
        assertThat(console.body()).contains("Welcome, " + controller);

        // An endpoint a credit controller may call with an API key: with the console's cookie it is 401.
        HttpResponse<String> api = http.send(request("/api/v1/rule-sets", session),
                HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(api.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(api.headers().allValues("Set-Cookie")).as("the API makes no session either").isEmpty();
    }

    @Test
    void pagesAreInGermanWhenTheBrowserAsksForGerman() {
        browser.language("de").visit("/console/login");
        assertThat(browser.text("h1")).isEqualTo("Anmelden");
        assertThat(browser.text("label[for=password]")).isEqualTo("Passwort");
        assertThat(browser.driver().findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("de");
        browser.screenshot("login-de");

        browser.signIn(controller, PASSWORD);
        assertThat(browser.text("h1")).isEqualTo("Willkommen, " + controller);
        assertThat(browser.text("nav")).contains("Regelwerke");
        assertThat(browser.text("form.signed-in button")).isEqualTo("Abmelden");
    }

    @Test
    void peopleMadeWithTheUserCommandSignInUntilDisabled() throws Exception {
        String name = "uma-" + Long.toString(System.nanoTime(), 36);
        var out = new java.io.ByteArrayOutputStream();
        int added = userCommand.run(java.util.List.of("add", name, "--role", "AUDITOR"),
                new java.io.BufferedReader(new java.io.StringReader("")), new java.io.PrintStream(out, true));
        assertThat(added).as(out.toString()).isZero();
        String[] lines = out.toString().strip().split("\\R");
        String generated = lines[lines.length - 1];
        assertThat(generated).hasSizeGreaterThanOrEqualTo(ConsoleUsers.MIN_PASSWORD_LENGTH);
        assertThat(jdbc.sql("SELECT password_hash FROM console_users WHERE name = ?").param(name)
                .query(String.class).single()).startsWith("{bcrypt}").doesNotContain(generated);

        browser.signIn(name, generated);
        assertThat(browser.text("h1")).isEqualTo("Welcome, " + name);

        // A new password from standard input; the old one no longer works.
        assertThat(userCommand.run(java.util.List.of("password", name, UserCommand.STDIN),
                new java.io.BufferedReader(new java.io.StringReader("a new and longer password\n")),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true))).isZero();
        browser = Browser.on(port);
        browser.signIn(name, generated);
        assertThat(browser.path()).startsWith("/console/login?error");
        browser.signIn(name, "a new and longer password");
        assertThat(browser.text("h1")).isEqualTo("Welcome, " + name);

        // Too short a password, an unknown role and a taken name are refused with the reason.
        var refused = new java.io.ByteArrayOutputStream();
        assertThat(userCommand.run(java.util.List.of("add", name + "-2", "--role", "AUDITOR", UserCommand.STDIN),
                new java.io.BufferedReader(new java.io.StringReader("short\n")),
                new java.io.PrintStream(refused, true))).isEqualTo(UserCommand.REFUSED);
        assertThat(refused.toString()).contains("use at least 12");
        assertThat(userCommand.run(java.util.List.of("add", name, "--role", "AUDITOR"),
                new java.io.BufferedReader(new java.io.StringReader("")),
                new java.io.PrintStream(refused, true))).isEqualTo(UserCommand.REFUSED);
        assertThat(refused.toString()).contains("exists already");

        // Disabled: the same password is refused, and the list says so.
        assertThat(userCommand.run(java.util.List.of("disable", name),
                new java.io.BufferedReader(new java.io.StringReader("")),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true))).isZero();
        browser = Browser.on(port);
        browser.signIn(name, "a new and longer password");
        assertThat(browser.path()).startsWith("/console/login?error");
        var list = new java.io.ByteArrayOutputStream();
        userCommand.run(java.util.List.of("list"), new java.io.BufferedReader(new java.io.StringReader("")),
                new java.io.PrintStream(list, true));
        assertThat(list.toString()).containsPattern(name + " +AUDITOR .* disabled ");
    }

    private HttpRequest request(String path, String session) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header(TestCredentials.NO_CREDENTIALS, "true")
                .header("Cookie", "DUNNING_CONSOLE=" + session)
                .build();
    }
}
