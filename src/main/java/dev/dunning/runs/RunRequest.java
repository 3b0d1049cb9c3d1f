package dev.dunning.runs;

import dev.dunning.decision.Segment;
import java.time.Instant;

/**
 * What to run: decisions as of {@code asOf} for the customers that match every given filter (null: any).
 *
 * @param dryRun true: decisions are computed and counted in the run's report only, nothing else is written
 * @param principal who asked (API principal, "cli", "scheduler"), recorded with every decision
 */
public record RunRequest(Instant asOf, boolean dryRun, Segment segment, String country, String currency,
        String principal) {

    public static final String DRY_RUN = "dry-run";
    public static final String LIVE = "live";

    public String mode() {
        return dryRun ? DRY_RUN : LIVE;
    }
}
