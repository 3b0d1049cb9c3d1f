package dev.dunning.audit;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param maxBatch most decisions written in one transaction (group commit)
 * @param queueCapacity decisions waiting to be written before callers are refused (503) rather than queued
 * @param writeTimeout how long a caller waits for its decision to become durable before it gets 503
 */
@ConfigurationProperties("dunning.audit")
public record AuditProperties(
        @DefaultValue("500") int maxBatch,
        @DefaultValue("20000") int queueCapacity,
        @DefaultValue("10s") Duration writeTimeout) {}
