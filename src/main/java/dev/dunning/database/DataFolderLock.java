package dev.dunning.database;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;

/**
 * Who owns the embedded server of a data folder: the process that holds the lock on {@value #FILE} in it. The
 * operating system releases the lock when that process ends, however it ends (a kill -9 included), so a lock that is
 * free means that no process owns the folder, and a server still running on it is an orphan. The owner writes what
 * others need into the file: its pid, what it is (the service, or a command's name), and the server's port.
 *
 * <p>A second owner is impossible: a second service refuses to start; a one-off command uses the running service's
 * server (its port from this file, its passwords from the folder), and never stops it.
 */
final class DataFolderLock implements AutoCloseable {

    static final String FILE = "dunning.lock";
    /** What the owner is: {@value #SERVICE} for the web service, else the command's name. */
    static final String SERVICE = "service";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Properties owner = new Properties();

    private DataFolderLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** What another process wrote into the lock file it holds; a field it has not written yet is empty. */
    record Owner(Optional<Long> pid, String role, Optional<Instant> since, OptionalInt port) {

        boolean isService() {
            return SERVICE.equals(role);
        }

        String describe() {
            return (isService() ? "a running service" : "the command '" + role + "'")
                    + pid.map(p -> " (process " + p + ")").orElse("")
                    + since.map(s -> ", started " + s).orElse("");
        }
    }

    /** The lock of {@code folder}, if no other process (and no other owner in this one) holds it. */
    static Optional<DataFolderLock> tryAcquire(Path folder, String role) {
        Path file = folder.resolve(FILE);
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldInThisJvm) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            DataFolderLock held = new DataFolderLock(file, channel, lock);
            held.owner.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
            held.owner.setProperty("role", role);
            ProcessHandle.current().info().startInstant()
                    .ifPresent(started -> held.owner.setProperty("since", started.toString()));
            held.write();
            return Optional.of(held);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot lock the data folder " + folder + " (" + file + ")", e);
        }
    }

    /** What the process holding {@code folder}'s lock has written about itself. */
    static Owner owner(Path folder) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(Files.readString(folder.resolve(FILE), StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            // unreadable or half-written: every field empty
        }
        return new Owner(number(p.getProperty("pid")), p.getProperty("role", ""),
                Optional.ofNullable(p.getProperty("since")).flatMap(DataFolderLock::instant),
                number(p.getProperty("port")).map(n -> OptionalInt.of(n.intValue())).orElse(OptionalInt.empty()));
    }

    /** Tells others which port the server listens on. */
    void publishPort(int port) {
        owner.setProperty("port", Integer.toString(port));
        write();
    }

    private void write() {
        try {
            StringBuilder text = new StringBuilder("# held by the process that owns this folder's embedded MariaDB\n");
            for (String key : new String[] {"pid", "role", "since", "port"}) {
                if (owner.getProperty(key) != null) {
                    text.append(key).append('=').append(owner.getProperty(key)).append('\n');
                }
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    /** Lets the folder go; closing again does nothing. */
    @Override
    public void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            // The file stays: deleting it could race with a process that has just opened it to lock.
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot release " + file, e);
        }
    }

    private static Optional<Long> number(String text) {
        return text != null && text.matches("\\d{1,18}") ? Optional.of(Long.parseLong(text)) : Optional.empty();
    }

    private static Optional<Instant> instant(String text) {
        try {
            return Optional.of(Instant.parse(text));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
