-- API keys of machine clients and administrators (docs/security.md). The key itself is never stored: only its
-- SHA-256 hash, which is enough to recognise a presented key and useless for forging one, because keys are 256-bit
-- random values. A revoked key keeps its row so that the audit trail of who had which key stays readable.
CREATE TABLE api_keys (
    id           BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name         VARCHAR(100) NOT NULL,
    key_hash     CHAR(64)     NOT NULL,
    key_prefix   VARCHAR(16)  NOT NULL,
    roles        VARCHAR(200) NOT NULL,
    created_at   DATETIME(6)  NOT NULL,
    created_by   VARCHAR(200) NOT NULL,
    last_used_at DATETIME(6)  NULL,
    revoked_at   DATETIME(6)  NULL,
    revoked_by   VARCHAR(200) NULL,
    -- A name belongs to one active key at a time (it becomes the principal in audit records); revoked keys free it.
    active_name  VARCHAR(100) AS (CASE WHEN revoked_at IS NULL THEN name END) PERSISTENT,
    CONSTRAINT uq_api_keys_hash UNIQUE (key_hash),
    CONSTRAINT uq_api_keys_active_name UNIQUE (active_name)
) ENGINE = InnoDB;
