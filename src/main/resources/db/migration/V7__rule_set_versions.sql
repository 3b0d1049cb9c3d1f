-- Rule-set versions: every content the service was offered (from the directories at start-up, an upload, or the file
-- watcher), with who offered it, when, and what the gates said. The files themselves are kept once per content hash
-- in rule_set_files / rule_set_version_files (V2), which the audit log uses for the same purpose.
CREATE TABLE rule_set_versions (
    version      CHAR(64)      NOT NULL,
    status       VARCHAR(10)   NOT NULL,
    origin       VARCHAR(20)   NOT NULL,
    author       VARCHAR(200)  NOT NULL,
    created_at   DATETIME(6)   NOT NULL,
    comment      VARCHAR(2000) NULL,
    problems     LONGTEXT      NULL,
    activated_by VARCHAR(200)  NULL,
    activated_at DATETIME(6)   NULL,
    PRIMARY KEY (version),
    KEY rule_set_versions_created (created_at),
    CONSTRAINT rule_set_versions_status CHECK (status IN ('CANDIDATE', 'ACTIVE', 'RETIRED', 'REJECTED'))
) ENGINE = InnoDB;

-- The version every instance serves: one row, changed under a row lock; instances poll it.
CREATE TABLE rule_set_active (
    id           TINYINT      NOT NULL,
    version      CHAR(64)     NOT NULL,
    activated_by VARCHAR(200) NOT NULL,
    activated_at DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT rule_set_active_version FOREIGN KEY (version) REFERENCES rule_set_versions (version)
) ENGINE = InnoDB;

-- What happened to versions, in order: submitted, rejected, activated, retired. Append-only for the application.
CREATE TABLE rule_set_events (
    id        BIGINT        NOT NULL AUTO_INCREMENT,
    version   CHAR(64)      NOT NULL,
    at        DATETIME(6)   NOT NULL,
    principal VARCHAR(200)  NOT NULL,
    event     VARCHAR(20)   NOT NULL,
    detail    VARCHAR(2000) NULL,
    PRIMARY KEY (id),
    KEY rule_set_events_version (version, id)
) ENGINE = InnoDB;
