package dev.dunning.runs;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A run as {@code GET /api/v1/runs/{id}} shows it.
 *
 * @param status Spring Batch's status of the latest execution, lower case: starting, started, completed, failed,
 *     stopped, abandoned
 * @param dispatch whether the run's decisions also go to the outbox (live runs asked with {@code "dispatch": true})
 * @param executions how many times the run was started (1 + restarts)
 * @param timingsMs milliseconds spent reading (ids and facts), evaluating and writing (audit and report), summed
 *     over the partitions' threads
 */
public record RunStatus(
        long id,
        String status,
        String mode,
        boolean dispatch,
        Instant asOf,
        Filter filter,
        String startedBy,
        Instant startedAt,
        Instant endedAt,
        int executions,
        String exitMessage,
        Progress progress,
        Summary summary,
        long failedCount,
        List<FailedItem> failed,
        Map<String, Long> timingsMs) {

    public record Filter(String segment, String country, String currency) {}

    /** Customers decided or failed out of those the run selected, per second of running time, and the time left. */
    public record Progress(long done, long total, double perSecond, Long secondsLeft) {}

    /**
     * Decisions counted per action, channel, tone and hold kind applied; in a dispatching run also the outbox entries
     * enqueued (one per decision that sends something) and their count per route (EMAIL, SMS, ..., RETRY_PAYMENT);
     * {@code rules}: per rule name, the decisions it shaped (it fired and was not overridden).
     */
    public record Summary(long decided, Map<String, Long> actions, Map<String, Long> channels,
            Map<String, Long> tones, Map<String, Long> holds, long enqueued, Map<String, Long> enqueuedByRoute,
            Map<String, Long> rules) {}

    public record FailedItem(String customerId, String reason) {}

    public boolean finished() {
        return !status.equals("starting") && !status.equals("started") && !status.equals("stopping");
    }
}
