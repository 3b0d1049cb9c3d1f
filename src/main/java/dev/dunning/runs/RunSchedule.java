package dev.dunning.runs;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The daily (or any cron) live run: {@code dunning.runs.schedule} is a six-field Spring cron expression; "-" (the
 * default) disables it. Each firing starts a live run for all customers as of that instant, recorded as started by
 * "scheduler"; with {@code dunning.runs.schedule-dispatch=true} it also dispatches. With several instances, set the
 * schedule on one of them only: each firing is a new run.
 */
@Component
class RunSchedule {

    static final String PRINCIPAL = "scheduler";
    private static final Logger log = LoggerFactory.getLogger(RunSchedule.class);

    private final Runs runs;
    private final Clock clock;
    private final boolean dispatch;

    RunSchedule(Runs runs, Clock clock, RunProperties properties) {
        this.runs = runs;
        this.clock = clock;
        this.dispatch = properties.scheduleDispatch();
    }

    @Scheduled(cron = "${dunning.runs.schedule:-}")
    void startScheduledRun() {
        long id = runs.start(request());
        log.info("Scheduled dunning run {} started{}", id, dispatch ? " (dispatching)" : "");
    }

    /** The request each firing starts: all customers, live, as of now. */
    RunRequest request() {
        return new RunRequest(clock.instant(), false, null, null, null, PRINCIPAL, dispatch);
    }
}
