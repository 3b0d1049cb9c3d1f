package dev.dunning.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Debian chromium for the whole test JVM (starting one takes seconds on two cores), driven through
 * Debian's chromedriver with both paths given, so that Selenium Manager never downloads anything. Every page a test
 * visits is checked with axe-core; screenshots of the screens go to docs/console/.
 */
public final class Browser {

    public static final Path CHROMIUM = Path.of(System.getProperty("dunning.test.chromium", "/usr/bin/chromium"));
    public static final Path CHROMEDRIVER =
            Path.of(System.getProperty("dunning.test.chromedriver", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Path.of("docs", "console");

    private static ChromeDriver shared;

    private final ChromeDriver driver;
    private final String base;

    private Browser(ChromeDriver driver, int port) {
        this.driver = driver;
        this.base = "http://localhost:" + port;
    }

    /** The JVM's browser, with no cookies and English as its language, pointed at the server on this port. */
    public static synchronized Browser on(int port) {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::quit));
        }
        Browser browser = new Browser(shared, port);
        browser.open("/console/assets/console.css"); // a page of the server, whose cookies can then be deleted
        shared.manage().deleteAllCookies();
        browser.language("en");
        return browser;
    }

    private static ChromeDriver start() {
        assertThat(CHROMIUM).as("Debian's chromium (apt-get install chromium chromium-driver; .ci/run does)")
                .isExecutable();
        assertThat(CHROMEDRIVER).as("Debian's chromium-driver").isExecutable();
        try {
            Path profile = Files.createTempDirectory("dunning-chromium-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-quic", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                    "--window-size=1280,900");
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                    .usingAnyFreePort()
                    .build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().window().setSize(new Dimension(1280, 900));
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
            return driver;
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a profile folder for chromium", e);
        }
    }

    /** The Accept-Language every following request sends. */
    public Browser language(String tag) {
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Accept-Language", tag)));
        return this;
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Opens a page of the server and checks it with axe-core. */
    public Browser visit(String path) {
        open(path);
        return checked();
    }

    private void open(String path) {
        driver.get(base + path);
    }

    /** No serious or critical accessibility violation on the page as it is now. */
    public Browser checked() {
        Results results = new AxeBuilder().analyze(driver);
        List<String> severe = results.getViolations().stream()
                .filter(v -> "serious".equals(v.getImpact()) || "critical".equals(v.getImpact()))
                .map(Browser::describe).toList();
        assertThat(severe).as("axe-core: serious or critical violations on " + driver.getCurrentUrl()).isEmpty();
        return this;
    }

    private static String describe(Rule rule) {
        return rule.getImpact() + " " + rule.getId() + ": " + rule.getHelp() + " at "
                + rule.getNodes().stream().map(n -> String.valueOf(n.getTarget())).toList();
    }

    /** Signs in through the form and waits for the page that follows. */
    public Browser signIn(String name, String password) {
        if (!driver.getCurrentUrl().contains("/console/login")) {
            visit("/console/login");
        }
        field("username").clear();
        field("username").sendKeys(name);
        field("password").sendKeys(password);
        String before = driver.getCurrentUrl();
        driver.findElement(By.cssSelector("form button[type=submit]")).click();
        waitUntil(d -> !d.getCurrentUrl().equals(before) || !d.findElements(By.cssSelector(".notice.error")).isEmpty());
        return checked();
    }

    /**
     * Signs in as another person, as a fresh browser would: this browser's session is forgotten first, so nothing of
     * the previous person's pages or CSRF token carries over.
     */
    public Browser signInAgainAs(String name, String password) {
        driver.manage().deleteAllCookies();
        visit("/console/login");
        return signIn(name, password);
    }

    /** Signs out with the header's button, as a person leaving the desk would, and waits for the sign-in page. */
    public Browser signOut() {
        driver.findElement(By.cssSelector("form.signed-in button[type=submit]")).click();
        waitUntil(d -> d.getCurrentUrl().contains("/console/login"));
        return checked();
    }

    /** Presses the button the selector finds and waits until the page shows what the condition waits for. */
    public Browser press(String button, String until) {
        driver.findElement(By.cssSelector(button)).click();
        waitUntil(d -> !d.findElements(By.cssSelector(until)).isEmpty());
        return checked();
    }

    public WebElement field(String id) {
        return driver.findElement(By.id(id));
    }

    /** The text of the first element the selector finds, read again if htmx swapped the element out meanwhile. */
    public String text(String css) {
        return fresh(() -> driver.findElement(By.cssSelector(css)).getText());
    }

    /** An attribute of the first element the selector finds, read again if htmx swapped the element out meanwhile. */
    public String attribute(String css, String name) {
        return fresh(() -> driver.findElement(By.cssSelector(css)).getAttribute(name));
    }

    /**
     * Finding an element and reading it are two commands to the browser; a page that polls (a run's progress every
     * second) may replace the element between them. Reading again finds the element that is there now.
     */
    private static <T> T fresh(java.util.function.Supplier<T> read) {
        for (int attempt = 1;; attempt++) {
            try {
                return read.get();
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    public String path() {
        return driver.getCurrentUrl().substring(base.length());
    }

    public String cookie(String name) {
        var cookie = driver.manage().getCookieNamed(name);
        return cookie == null ? null : cookie.getValue();
    }

    /**
     * Waits up to 30 s for the condition. An element htmx swapped out between finding it and reading it is stale: the
     * condition is asked again, on the page as it is now.
     */
    public void waitUntil(java.util.function.Function<org.openqa.selenium.WebDriver, Boolean> condition) {
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(condition);
    }

    /**
     * Waits up to {@code limit} for the condition, for a step known to take long on a busy machine (a candidate's
     * build with every gate and scenario); the rest wait 30 s ({@link #waitUntil(java.util.function.Function)}).
     */
    public void waitUntil(Duration limit, java.util.function.Function<org.openqa.selenium.WebDriver, Boolean> condition) {
        new WebDriverWait(driver, limit)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(condition);
    }

    /** Saves what the browser shows as docs/console/{name}.png, for docs/console.md. */
    public void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the screenshot " + name, e);
        }
    }
}
