package dev.dunning.facts.web;

import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.PessimisticLockingFailureException;

/**
 * Runs a write again when MariaDB chose it as a deadlock victim or it waited too long for a lock. Such a write was
 * rolled back whole (each write is one transaction), so repeating it is safe, and the caller should not see a 500 for
 * what is only bad timing between two requests.
 */
final class TransientRetry {

    private static final Logger log = LoggerFactory.getLogger(TransientRetry.class);
    static final int ATTEMPTS = 4;

    private TransientRetry() {}

    static <T> T write(Supplier<T> write) {
        for (int attempt = 1; ; attempt++) {
            try {
                return write.get();
            } catch (PessimisticLockingFailureException e) {
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
                log.info("Write lost a lock conflict (attempt {} of {}), repeating it: {}", attempt, ATTEMPTS,
                        e.getMostSpecificCause().getMessage());
                try {
                    Thread.sleep(5L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
