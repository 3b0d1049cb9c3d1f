package dev.dunning.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dunning.DunningApplication;
import dev.dunning.database.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The first administrator: the embedded default makes one and prints its key once; with the operator's own database
 * the service refuses to start until an admin is configured, e.g. a key made with the command line.
 */
@ExtendWith(OutputCaptureExtension.class)
class AdminBootstrapIT {

    static final Pattern PRINTED_KEY = Pattern.compile("^\\s+(dk_[A-Za-z0-9_-]{43})$", Pattern.MULTILINE);
    static final Pattern PRINTED_PASSWORD = Pattern.compile("^\\s+password: (\\S{20})$", Pattern.MULTILINE);

    @Test
    void withItsOwnDatabaseTheServiceRefusesToStartUntilAnAdminKeyIsMadeOnTheCommandLine() {
        TestDatabase.Connection db = TestDatabase.freshDatabase("no_admin");
        String[] database = {"--dunning.test.own-database=true", "--spring.datasource.url=" + db.url(),
            "--spring.datasource.username=" + db.user(), "--spring.datasource.password=" + db.password(),
            "--dunning.security.admin-key=", "--server.port=0"};

        assertThatThrownBy(() -> new SpringApplicationBuilder(DunningApplication.class).run(database).close())
                .rootCause().hasMessageContaining("No administrator is configured")
                .hasMessageContaining("api-key create admin ADMIN");

        // The command line works without a web server and without an admin.
        String key;
        try (ConfigurableApplicationContext cli = new SpringApplicationBuilder(DunningApplication.class)
                .web(WebApplicationType.NONE).run(database)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = cli.getBean(ApiKeyCommand.class).run(List.of("create", "ops", "ADMIN"),
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
            List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
            key = lines.get(lines.size() - 1);
            assertThat(key).startsWith("dk_");
        }

        try (ConfigurableApplicationContext service = new SpringApplicationBuilder(DunningApplication.class)
                .run(database)) {
            Http http = new Http(((WebServerApplicationContext) service).getWebServer().getPort());
            assertThat(http.withKey("GET", "/api/v1/api-keys", key).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anAdminKeySettingThatIsTooShortToBeSecretStopsTheStart() {
        TestDatabase.Connection db = TestDatabase.freshDatabase("short_admin");
        assertThatThrownBy(() -> new SpringApplicationBuilder(DunningApplication.class).run(
                "--dunning.test.own-database=true", "--spring.datasource.url=" + db.url(),
                "--spring.datasource.username=" + db.user(), "--spring.datasource.password=" + db.password(),
                "--dunning.security.admin-key=changeme", "--server.port=0").close())
                .rootCause().hasMessageContaining("dunning.security.admin-key is 8 characters long");
    }

    @Test
    void theEmbeddedDefaultCreatesAnAdminKeyOnItsFirstStartAndPrintsItOnce(CapturedOutput output) throws Exception {
        Path dataDir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "test-mariadb")), "admin-");
        String[] args = {"--server.port=0", "--dunning.test.own-database=true", "--dunning.database.demo-data=false",
            "--dunning.database.data-dir=" + dataDir, "--dunning.security.admin-key="};

        String key;
        try (ConfigurableApplicationContext first = new SpringApplicationBuilder(DunningApplication.class).run(args)) {
            Matcher printed = PRINTED_KEY.matcher(output.getOut());
            assertThat(printed.find()).as(output.getOut()).isTrue();
            key = printed.group(1);
            assertThat(output.getAll().lines().filter(l -> l.contains(key))).as("the key is printed once, never logged")
                    .hasSize(1);
            Http http = new Http(((WebServerApplicationContext) first).getWebServer().getPort());
            assertThat(http.withKey("GET", "/api/v1/api-keys", key).body()).contains(AdminBootstrap.GENERATED_NAME);

            // And a first console administrator, whose password is printed once too and signs in.
            Matcher password = PRINTED_PASSWORD.matcher(output.getOut());
            assertThat(password.find()).as(output.getOut()).isTrue();
            String secret = password.group(1);
            assertThat(output.getAll().lines().filter(l -> l.contains(secret))).hasSize(1);
            ConsoleSession session = ConsoleSession.signIn(http, ConsoleAdminBootstrap.FIRST_ADMIN, secret);
            assertThat(session.send(http, "GET", "/console").body()).contains("Welcome, administrator");
        }
        int printedBefore = output.getOut().length();

        try (ConfigurableApplicationContext second = new SpringApplicationBuilder(DunningApplication.class).run(args)) {
            assertThat(output.getOut().substring(printedBefore)).doesNotContain("admin API key was created")
                    .doesNotContain("console administrator was created");
            Http http = new Http(((WebServerApplicationContext) second).getWebServer().getPort());
            assertThat(http.withKey("GET", "/api/v1/api-keys", key).statusCode()).isEqualTo(200);
        }
    }
}
