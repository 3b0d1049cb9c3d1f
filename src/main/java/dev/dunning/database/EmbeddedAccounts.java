package dev.dunning.database;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded server's accounts: {@code root} (the server's administrator), {@code dunning_owner} (owns the
 * service's database: the Flyway migrations run as it) and {@code dunning_app} (what the service connects as: reads
 * and writes rows, nothing else, so it can neither drop the audit tables' triggers nor the tables, nor alter or grant).
 *
 * <p>Their passwords are made at random on the first start and kept in {@value #FILE} in the data folder, readable and
 * writable by the service's operating-system user only (POSIX 600). At every start the server is told (through a
 * one-time init file) to make the accounts hold exactly these passwords and privileges, so a folder made by an earlier
 * version (which ran the server with {@code --skip-grant-tables}, no passwords at all) is brought up to date on its
 * first start under this one, keeping its data.
 */
final class EmbeddedAccounts {

    static final String FILE = "mariadb-credentials.properties";
    static final String OWNER = "dunning_owner";
    static final String APPLICATION = "dunning_app";

    /**
     * What the service does at run time: rows in and out (Spring Batch's sequences are rows too), temporary staging
     * tables for imports (private to the connection). No DDL, no TRIGGER, no GRANT OPTION.
     */
    static final String APPLICATION_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE, CREATE TEMPORARY TABLES";

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final Logger log = LoggerFactory.getLogger(EmbeddedAccounts.class);

    private final String rootPassword;
    private final String ownerPassword;
    private final String applicationPassword;

    private EmbeddedAccounts(String rootPassword, String ownerPassword, String applicationPassword) {
        this.rootPassword = rootPassword;
        this.ownerPassword = ownerPassword;
        this.applicationPassword = applicationPassword;
    }

    /** The passwords in {@code folder}'s {@value #FILE}, made (at random) and written first if the file is missing. */
    static EmbeddedAccounts loadOrCreate(Path folder) throws IOException {
        Path file = folder.resolve(FILE);
        if (Files.exists(file)) {
            ownerOnly(file);
            Properties stored = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                stored.load(in);
            }
            List<String> passwords = List.of("root.password", "owner.password", "application.password").stream()
                    .map(stored::getProperty).toList();
            if (passwords.stream().allMatch(p -> p != null && p.matches("[A-Za-z0-9]{16,}"))) {
                return new EmbeddedAccounts(passwords.get(0), passwords.get(1), passwords.get(2));
            }
            throw new IllegalStateException(file + " lacks one of root.password, owner.password and "
                    + "application.password (16 or more letters and digits each); delete the file and the service "
                    + "makes new passwords at its next start");
        }
        EmbeddedAccounts made = new EmbeddedAccounts(random(), random(), random());
        writeOwnerOnly(file, """
                # The embedded MariaDB's accounts (README, "Database"). Made at the first start; readable by the
                # service's user only. Delete this file to have new passwords made at the next start.
                root.user=root
                root.password=%s
                owner.user=%s
                owner.password=%s
                application.user=%s
                application.password=%s
                """.formatted(made.rootPassword, OWNER, made.ownerPassword, APPLICATION, made.applicationPassword));
        log.info("Passwords for the embedded MariaDB's accounts made and kept in {}", file);
        return made;
    }

    EmbeddedMariaDb.Account root() {
        return new EmbeddedMariaDb.Account("root", rootPassword);
    }

    EmbeddedMariaDb.Account owner() {
        return new EmbeddedMariaDb.Account(OWNER, ownerPassword);
    }

    EmbeddedMariaDb.Account application() {
        return new EmbeddedMariaDb.Account(APPLICATION, applicationPassword);
    }

    /**
     * The statements the server runs before it accepts connections (one a line, as --init-file wants them): no
     * anonymous accounts, a password for root, the two service accounts with exactly their privileges on
     * {@code database}, which is created if missing. Idempotent: the same at every start.
     */
    String initStatements(String database) {
        if (!database.matches("[A-Za-z0-9_]{1,64}")) {
            throw new IllegalArgumentException("dunning.database.name must be letters, digits and _ only, not "
                    + database);
        }
        String owner = "'" + OWNER + "'@'127.0.0.1'";
        String application = "'" + APPLICATION + "'@'127.0.0.1'";
        return String.join("\n",
                // mariadb-install-db makes anonymous accounts (any user name, no password) for localhost and the host.
                "DELETE FROM mysql.global_priv WHERE User = '';",
                "FLUSH PRIVILEGES;",
                "ALTER USER IF EXISTS 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('"
                        + rootPassword + "');",
                "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';",
                "ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '" + rootPassword + "';",
                "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;",
                "CREATE DATABASE IF NOT EXISTS `" + database + "`;",
                "CREATE USER IF NOT EXISTS " + owner + ";",
                "ALTER USER " + owner + " IDENTIFIED BY '" + ownerPassword + "';",
                "REVOKE ALL PRIVILEGES, GRANT OPTION FROM " + owner + ";",
                "GRANT ALL PRIVILEGES ON `" + database + "`.* TO " + owner + ";",
                "CREATE USER IF NOT EXISTS " + application + ";",
                "ALTER USER " + application + " IDENTIFIED BY '" + applicationPassword + "';",
                "REVOKE ALL PRIVILEGES, GRANT OPTION FROM " + application + ";",
                "GRANT " + APPLICATION_PRIVILEGES + " ON `" + database + "`.* TO " + application + ";",
                "");
    }

    /** Makes the password file readable by its owner only again, where the file system knows POSIX permissions. */
    private static void ownerOnly(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view != null && !view.readAttributes().permissions().equals(OWNER_ONLY)) {
            log.warn("{} could be read or written by others; now by its owner only", file);
            view.setPermissions(OWNER_ONLY);
        }
    }

    /** Makes a folder accessible to its owner only, where the file system knows POSIX permissions. */
    static void ownerOnlyFolder(Path folder) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(folder, PosixFileAttributeView.class);
        if (view != null && !view.readAttributes().permissions().equals(OWNER_ONLY_DIR)) {
            view.setPermissions(OWNER_ONLY_DIR);
        }
    }

    /** Writes {@code text} to a new file that is created owner-only, so it is never readable by others, not briefly. */
    static void writeOwnerOnly(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        try {
            if (Files.getFileStore(file.getParent()).supportsFileAttributeView(PosixFileAttributeView.class)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " appeared while it was being made; is another instance starting on the "
                    + "same data folder?", e);
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static String random() {
        SecureRandom random = new SecureRandom();
        StringBuilder password = new StringBuilder(32);
        for (int i = 0; i < 32; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }
}
