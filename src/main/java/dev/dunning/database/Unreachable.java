package dev.dunning.database;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * Tells a failure to reach the database (server down or unreachable, no pool connection within the pool's connection
 * timeout, a connection lost in mid-request) from every other failure: the first is answered 503 with
 * {@code Retry-After} and passes by itself once the database is back, the others are the service's own faults.
 */
public final class Unreachable {

    /** What callers are told to wait before trying again. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private Unreachable() {}

    /**
     * Whether {@code failure}, or one of its causes, says that the database could not be reached: HikariCP's "connection
     * is not available, request timed out", the driver's lost or refused connection (SQL state class 08), Spring's
     * {@link DataAccessResourceFailureException} (which includes {@code CannotGetJdbcConnectionException}).
     */
    public static boolean causedBy(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DataAccessResourceFailureException || t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException || t instanceof ConnectException
                    || t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }
}
