package dev.dunning.audit;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param maxBatch most decisions written in one transaction (group commit)
 * @param queueCapacity decisions waiting to be written before callers are refused (503) rather than queued
 * @param writeTimeout how long a caller waits for its decision to become durable before it gets 503
 * @param factsRetention how long the personal facts a decision was made on are kept; older snapshots are erased while
 *     the decision, its trace and the chain stay. Zero (the default) keeps them for ever.
 * @param retentionCheck how often erasure looks for snapshots past their retention
 */
@ConfigurationProperties("dunning.audit")
public record AuditProperties(
        @DefaultValue("500") int maxBatch,
        @DefaultValue("20000") int queueCapacity,
        @DefaultValue("10s") Duration writeTimeout,
        @DefaultValue("0d") Duration factsRetention,
        @DefaultValue("1h") Duration retentionCheck) {

    public AuditProperties {
        if (factsRetention.isNegative()) {
            throw new IllegalArgumentException("dunning.audit.facts-retention must not be negative, was "
                    + factsRetention);
        }
    }
}
