package dev.dunning.rulesets.web;

import static dev.dunning.web.ConsolePeople.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.rulesets.RuleSetLifecycle;
import dev.dunning.security.ConsoleUsers;
import dev.dunning.security.Role;
import dev.dunning.security.TestCredentials;
import dev.dunning.web.Browser;
import dev.dunning.web.ConsolePeople;
import dev.dunning.web.Workbooks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The rule-set pages in a real browser: a credit controller uploads a workbook with a bad cell and sees that cell
 * marked with the sentence beside it; the history and a version's exact files; an auditor may look but not upload;
 * and a session that ended under an htmx upload brings the whole login page, then back to the rule sets.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RuleSetPagesIT {

    @LocalServerPort
    int port;
    @Autowired
    ConsoleUsers users;
    @Autowired
    RuleSetLifecycle lifecycle;
    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    Browser browser;
    String controller;
    String auditor;

    @BeforeEach
    void people() {
        ConsolePeople people = new ConsolePeople(users);
        controller = people.person("chris", Role.CREDIT_CONTROLLER);
        auditor = people.person("alex", Role.AUDITOR);
        browser = Browser.on(port);
    }

    @Test
    void aCreditControllerUploadsAWorkbookWithABadCellAndSeesThatCellMarked() throws Exception {
        Path workbook = escalationWith("Ladder", "F18", "fifteen");
        browser.signIn(controller, PASSWORD);
        browser.visit("/console/rule-sets");
        assertThat(browser.text("h1")).isEqualTo("Rule sets");
        browser.screenshot("rule-sets");

        browser.field("file").sendKeys(workbook.toAbsolutePath().toString());
        browser.driver().findElement(By.cssSelector("button[value=check]")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#result .result")).isEmpty());
        browser.checked();

        assertThat(browser.path()).as("htmx: the result came into the page").isEqualTo("/console/rule-sets");
        assertThat(browser.text("#result .notice")).contains("Not accepted");
        assertThat(browser.text("#result h3")).isEqualTo("decision-tables/escalation.xlsx");
        WebElement cell = browser.driver().findElement(By.cssSelector("#result td[data-cell=F18]"));
        assertThat(cell.getAttribute("class")).contains("cell-error");
        assertThat(cell.getText()).contains("[1]").contains("fifteen");
        assertThat(browser.text("#result .notes")).contains("[1] Error")
                .contains("F18: \"fifteen\" is not a whole number of days");
        assertThat(browser.driver().findElements(By.cssSelector("#result td.cell-error"))).hasSize(1);
        assertThat(browser.text("#result .notice")).contains("1 error, no warnings");
        assertThat(jdbc.sql("SELECT principal FROM rule_set_events WHERE event = 'VALIDATED' ORDER BY id DESC LIMIT 1")
                .query(String.class).single()).as("the check is recorded with the person's name, as the API's is")
                .isEqualTo(controller);
        browser.driver().executeScript("""
                document.querySelector('#result h2').scrollIntoView();
                document.querySelector('#result .scroll').scrollLeft = 260;""");
        browser.screenshot("rule-set-problems");
    }

    @Test
    void aWorkbookDroppedOnTheUploadAreaIsCheckedTheSameWay() throws Exception {
        byte[] workbook = Files.readAllBytes(escalationWith("Ladder", "F18", "fifteen"));
        browser.signIn(controller, PASSWORD);
        browser.visit("/console/rule-sets");
        // What a browser hands the page when a file is dropped on it: a drop event carrying the file.
        browser.driver().executeScript("""
                const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0));
                const transfer = new DataTransfer();
                transfer.items.add(new File([bytes], 'escalation.xlsx'));
                document.querySelector('[data-dropzone]').dispatchEvent(
                    new DragEvent('drop', {dataTransfer: transfer, bubbles: true, cancelable: true}));""",
                java.util.Base64.getEncoder().encodeToString(workbook));
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#result .result")).isEmpty());
        browser.checked();
        assertThat(browser.driver().findElement(By.cssSelector("#result td[data-cell=F18]")).getAttribute("class"))
                .contains("cell-error");
    }

    @Test
    void aMacroWorkbookIsRefusedOnThePageWithTheApisWordsAndNothingIsStored() throws Exception {
        int versions = lifecycle.list().size();
        Path macro = Files.createTempDirectory("console-upload").resolve("escalation.xlsx");
        Files.write(macro, dev.dunning.tools.HostileFiles.withVbaProject(
                Files.readAllBytes(Path.of("decision-tables", "escalation.xlsx"))));
        browser.signIn(controller, PASSWORD);
        browser.visit("/console/rule-sets");
        browser.field("file").sendKeys(macro.toAbsolutePath().toString());
        browser.driver().findElement(By.cssSelector("button[value=submit]")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#result .result")).isEmpty());
        browser.checked();
        assertThat(browser.text("#result .notice")).contains("refused before any check")
                .contains("escalation.xlsx: the upload is refused; nothing was stored");
        assertThat(browser.text("#result .problems")).contains("the workbook contains macros");
        assertThat(lifecycle.list()).hasSize(versions);
    }

    @Test
    void theHistoryLeadsToAVersionAndItsExactFiles() throws Exception {
        browser.signIn(controller, PASSWORD);
        browser.visit("/console/rule-sets");
        String serving = lifecycle.serving().version();
        browser.driver().findElement(By.cssSelector("a[href='/console/rule-sets/" + serving + "']")).click();
        browser.waitUntil(d -> d.getCurrentUrl().endsWith(serving));
        browser.checked();
        assertThat(browser.text("h1")).isEqualTo("Version " + serving.substring(0, 12));
        browser.screenshot("rule-set-version");

        WebElement link = browser.driver().findElement(
                By.cssSelector("a[href$='/files/decision-tables/escalation.xlsx']"));
        HttpResponse<byte[]> download = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(link.getAttribute("href")))
                .header(TestCredentials.NO_CREDENTIALS, "true")
                .header("Cookie", "DUNNING_CONSOLE=" + browser.cookie("DUNNING_CONSOLE")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(lifecycle.file(serving, "decision-tables/escalation.xlsx").content());
    }

    @Test
    void anAuditorSeesTheHistoryButMayNotUpload() {
        browser.signIn(auditor, PASSWORD);
        browser.visit("/console/rule-sets");
        assertThat(browser.text("h1")).isEqualTo("Rule sets");
        assertThat(browser.driver().findElements(By.id("file"))).as("no upload form").isEmpty();

        // The form is not shown, but a hand-made request is refused by the same rule as the API's.
        browser.driver().executeScript("""
                const form = document.createElement('form');
                form.method = 'post';
                form.action = '/console/rule-sets/upload';
                const csrf = document.querySelector('form.signed-in input[name=_csrf]').cloneNode();
                form.appendChild(csrf);
                document.body.appendChild(form);
                form.submit();""");
        browser.waitUntil(d -> !d.findElements(By.cssSelector(".problem")).isEmpty());
        browser.checked();
        assertThat(browser.text(".problem h1")).isEqualTo("Not allowed");
    }

    @Test
    void aSessionThatEndedUnderAnHtmxUploadBringsTheWholeLoginPageThenBack() throws Exception {
        browser.signIn(controller, PASSWORD);
        browser.visit("/console/rule-sets");
        browser.driver().manage().deleteCookieNamed("DUNNING_CONSOLE"); // as if the idle timeout had ended it

        browser.field("file").sendKeys(escalationWith("Ladder", "F18", "fifteen").toAbsolutePath().toString());
        browser.driver().findElement(By.cssSelector("button[value=check]")).click();
        browser.waitUntil(d -> d.getCurrentUrl().contains("/console/login"));
        browser.checked();
        assertThat(browser.path()).isEqualTo("/console/login?next=%2Fconsole%2Frule-sets");
        assertThat(browser.driver().findElements(By.cssSelector("#result form"))).as("no login inside the page")
                .isEmpty();

        browser.signIn(controller, PASSWORD);
        assertThat(browser.path()).isEqualTo("/console/rule-sets");
        assertThat(browser.text("h1")).isEqualTo("Rule sets");
    }

    /** The shipped escalation workbook with one cell written over, as a person might. */
    static Path escalationWith(String sheet, String cell, String value) throws Exception {
        return Workbooks.shippedWith("escalation.xlsx", sheet, java.util.Map.of(cell, value));
    }
}
