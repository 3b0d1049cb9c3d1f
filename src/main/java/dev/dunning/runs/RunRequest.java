package dev.dunning.runs;

import dev.dunning.decision.Segment;
import java.time.Instant;

/**
 * What to run: decisions as of {@code asOf} for the customers that match every given filter (null: any).
 *
 * @param dryRun true: decisions are computed and counted in the run's report only, nothing else is written
 * @param principal who asked (API principal, "cli", "scheduler"), recorded with every decision
 * @param dispatch live runs only: each decision that sends something also gets its outbox entry, committed with its
 *     audit record (docs/runs.md, "Dispatching runs")
 */
public record RunRequest(Instant asOf, boolean dryRun, Segment segment, String country, String currency,
        String principal, boolean dispatch) {

    public static final String DRY_RUN = "dry-run";
    public static final String LIVE = "live";

    public RunRequest {
        if (dryRun && dispatch) {
            throw new IllegalArgumentException("dispatch: a dry run dispatches nothing; start a live run to dispatch, "
                    + "or leave dispatch out");
        }
    }

    /** A run that dispatches nothing. */
    public RunRequest(Instant asOf, boolean dryRun, Segment segment, String country, String currency,
            String principal) {
        this(asOf, dryRun, segment, country, currency, principal, false);
    }

    public String mode() {
        return dryRun ? DRY_RUN : LIVE;
    }
}
