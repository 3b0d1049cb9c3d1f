package dev.dunning.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The packaged jar as a user runs it: the service on a data folder, and beside it, in other processes on the same
 * folder, {@code --help}, {@code api-key list}, a wrong argument and a second service. The commands use the running
 * service's embedded MariaDB and leave it running; the second service is refused with a sentence; the first service
 * answers throughout. Once the service has stopped, a command owns the folder's server for its own duration.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CommandsBesideServiceIT {

    private static final Pattern HTTP_PORT = Pattern.compile("Tomcat started on port (\\d+)");
    private static final Pattern ADMIN_KEY = Pattern.compile("shown this once and stored only as a hash:\\s+(\\S+)");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Path dataDir;
    private static Path serviceLog;
    private static Process service;
    private static int httpPort;
    private static String adminKey;

    @BeforeAll
    static void startService() throws Exception {
        dataDir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "test-mariadb")), "beside-")
                .toAbsolutePath();
        serviceLog = dataDir.resolve("service.log");
        service = new ProcessBuilder(java("--server.port=0", "--dunning.database.demo-data=false",
                "--dunning.database.data-dir=" + dataDir)).redirectErrorStream(true)
                .redirectOutput(serviceLog.toFile()).start();
        String log = Awaitility.await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                .until(() -> started(serviceLog), text -> text != null);
        Matcher port = HTTP_PORT.matcher(log);
        assertThat(port.find()).as("the service logged its HTTP port").isTrue();
        httpPort = Integer.parseInt(port.group(1));
        Matcher key = ADMIN_KEY.matcher(log);
        assertThat(key.find()).as("the first start printed the admin key").isTrue();
        adminKey = key.group(1);
        assertThat(catalogueStatus()).isEqualTo(200);
    }

    @AfterAll
    static void stopService() throws Exception {
        if (service != null) {
            List<ProcessHandle> children = service.descendants().toList();
            service.destroy();
            if (!service.waitFor(30, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    @Order(1)
    void helpIsPrintedWithoutStartingAnythingAndLeavesTheServiceAlone() throws Exception {
        Result help = run("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.output()).contains("usage: java -jar dunning-decision-service.jar", "api-key create <name>",
                "import customers|invoices", "generate --customers=N", "run --as-of=")
                .doesNotContain("Embedded MariaDB", "Started DunningApplication", "Stopping MariaDB server");

        Result importHelp = run("import", "--help");
        assertThat(importHelp.exitCode()).isZero();
        assertThat(importHelp.output()).contains("customers <file.csv>, columns", "postalAddress", "Exit codes");

        assertThat(catalogueStatus()).as("the service still answers").isEqualTo(200);
        assertThat(Files.readString(serviceLog, StandardCharsets.UTF_8)).doesNotContain("Stopping MariaDB server");
    }

    @Test
    @Order(2)
    void aWrongArgumentIsReportedWithoutStartingAnything() throws Exception {
        Result wrong = run("run", "--as-of=2026-13-01");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.output()).contains("run: --as-of=2026-13-01 is not valid", "'run --help' explains")
                .doesNotContain("Embedded MariaDB", "DunningApplication");

        Result unknown = run("api-keys", "list");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.output()).contains("\"api-keys\" is not a command of this service", "api-key");

        Result badRole = run("api-key", "create", "ops", "SUPERUSER");
        assertThat(badRole.exitCode()).isEqualTo(2);
        assertThat(badRole.output()).contains("SUPERUSER").doesNotContain("Embedded MariaDB");
        assertThat(catalogueStatus()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void apiKeyListUsesTheRunningServicesDatabaseAndLeavesItRunning() throws Exception {
        Result created = run("api-key", "create", "beside-the-service", "AUDITOR");
        assertThat(created.exitCode()).as(created.output()).isZero();
        assertThat(created.output()).contains("Using the embedded MariaDB on 127.0.0.1", "a running service",
                "Created API key");
        String auditorKey = created.output().lines().reduce((a, b) -> b).orElseThrow().strip();

        Result list = run("api-key", "list");
        assertThat(list.exitCode()).as(list.output()).isZero();
        assertThat(list.output()).contains("admin", "beside-the-service");

        assertThat(catalogueStatus()).as("the service still answers after the commands").isEqualTo(200);
        assertThat(status("/api/v1/catalogue", auditorKey)).as("the service sees the key the command made")
                .isEqualTo(200);
        assertThat(Files.readString(serviceLog, StandardCharsets.UTF_8)).doesNotContain("Stopping MariaDB server");
    }

    @Test
    @Order(4)
    void aSecondServiceOnTheSameFolderIsRefusedWithASentence() throws Exception {
        Result second = run("--server.port=0", "--dunning.database.demo-data=false");
        assertThat(second.exitCode()).isNotZero();
        assertThat(second.output()).contains("The data folder " + dataDir + " is in use by a running service (process "
                + service.pid() + ")", "--dunning.database.data-dir");
        assertThat(catalogueStatus()).as("the first service still answers").isEqualTo(200);
    }

    @Test
    @Order(5)
    void withTheServiceStoppedACommandOwnsTheServerForItsDurationOnly() throws Exception {
        service.destroy();
        assertThat(service.waitFor(60, TimeUnit.SECONDS)).isTrue();
        service = null;

        Result list = run("api-key", "list");
        assertThat(list.exitCode()).as(list.output()).isZero();
        assertThat(list.output()).contains("beside-the-service").doesNotContain("Using the embedded MariaDB on");
        assertThat(DataFolderLock.tryAcquire(dataDir, "test")).as("the command let the folder go when it ended")
                .hasValueSatisfying(DataFolderLock::close);
    }

    private record Result(int exitCode, String output) {}

    /** The packaged jar with these arguments, on the test's data folder, to its end (at most three minutes). */
    private static Result run(String... args) throws Exception {
        List<String> command = java(args);
        command.add("--dunning.database.data-dir=" + dataDir);
        Path output = Files.createTempFile(dataDir, "command-", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .start();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("still running after three minutes: " + command);
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    private static List<String> java(String... args) throws IOException {
        return PackagedJar.java(args);
    }

    private static String started(Path log) throws IOException {
        String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        if (text.contains("APPLICATION FAILED TO START")) {
            throw new AssertionError("the service did not start:\n" + text);
        }
        return text.contains("Started DunningApplication") ? text : null;
    }

    private static int catalogueStatus() throws Exception {
        return status("/api/v1/catalogue", adminKey);
    }

    private static int status(String path, String key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                        .header("X-Api-Key", key).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
