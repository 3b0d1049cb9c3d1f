package dev.dunning.audit;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Signed checkpoints of the audit chain's head (docs/audit.md, "Checkpoints").
 *
 * @param privateKey the Ed25519 signing key as base64 PKCS#8 (e.g. from the environment); wins over {@code keyFile}
 * @param keyFile a file holding the key (PEM "PRIVATE KEY" or base64 PKCS#8). Unset: {@code audit-checkpoint-key.pem}
 *     in the data folder ({@code dunning.database.data-dir}), generated (owner-only) at the first start
 * @param everyRecords a checkpoint once the head moved this many records past the last one
 * @param every a checkpoint once this long has passed since the last one, if the head moved at all
 * @param check how often the head is looked at
 * @param file append each checkpoint to this file as a JSON line (unset: no file)
 * @param webhookUrl POST each checkpoint as JSON to this URL (unset: none)
 * @param webhookTimeout how long a webhook may take
 */
@ConfigurationProperties("dunning.audit.checkpoint")
public record CheckpointProperties(
        String privateKey,
        Path keyFile,
        @DefaultValue("1000") int everyRecords,
        @DefaultValue("10m") Duration every,
        @DefaultValue("10s") Duration check,
        Path file,
        URI webhookUrl,
        @DefaultValue("10s") Duration webhookTimeout) {

    public CheckpointProperties {
        if (everyRecords < 1) {
            throw new IllegalArgumentException("dunning.audit.checkpoint.every-records must be at least 1, was "
                    + everyRecords);
        }
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("dunning.audit.checkpoint.every must be positive, was " + every);
        }
    }
}
