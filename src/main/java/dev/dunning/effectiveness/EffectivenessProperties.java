package dev.dunning.effectiveness;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the effectiveness figures ({@code dunning.effectiveness.*}, listed in docs/effectiveness.md).
 *
 * @param windowDays a payment counts for a contact when it comes at most this many days after the contact was sent
 *     (after the decision, for decisions that sent nothing); changing it rebuilds the summaries on the next pass
 * @param scheduled whether this instance brings the summaries up to date on a schedule
 * @param interval pause between two passes of the summary job
 * @param batchSize decisions (and queued changes) applied per transaction
 * @param defaultRangeDays the time range of a request that names none: this many days up to today
 */
@ConfigurationProperties("dunning.effectiveness")
public record EffectivenessProperties(
        @DefaultValue("14") int windowDays,
        @DefaultValue("true") boolean scheduled,
        @DefaultValue("30s") Duration interval,
        @DefaultValue("2000") int batchSize,
        @DefaultValue("90") int defaultRangeDays) {

    public EffectivenessProperties {
        if (windowDays < 1 || windowDays > 366) {
            throw new IllegalArgumentException("dunning.effectiveness.window-days must be between 1 and 366 days, not "
                    + windowDays);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("dunning.effectiveness.batch-size must be at least 1, not " + batchSize);
        }
        if (defaultRangeDays < 1) {
            throw new IllegalArgumentException("dunning.effectiveness.default-range-days must be at least 1, not "
                    + defaultRangeDays);
        }
    }
}
