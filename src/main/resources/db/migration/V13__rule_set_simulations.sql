-- Background what-if simulations (docs/rule-sets.md "Simulation"). Kept in the database rather than in the memory of
-- the instance that runs one, so any instance answers for it (behind a load balancer the next poll lands anywhere),
-- and a finished result outlives a restart. The instance running a job touches heartbeat_at every few seconds; a job
-- whose heartbeat stops is reported as failed, not as running forever.
CREATE TABLE rule_set_simulations (
    id           CHAR(36)      NOT NULL,
    candidate    CHAR(64)      NOT NULL,
    requested_by VARCHAR(200)  NOT NULL,
    instance_id  VARCHAR(200)  NOT NULL,
    status       VARCHAR(10)   NOT NULL,
    total        BIGINT        NOT NULL,
    done         BIGINT        NOT NULL,
    started_at   DATETIME(6)   NOT NULL,
    heartbeat_at DATETIME(6)   NOT NULL,
    finished_at  DATETIME(6)   NULL,
    error        VARCHAR(2000) NULL,
    -- The result with the first 10,000 changed customers, as gzip-compressed JSON.
    result       LONGBLOB      NULL,
    PRIMARY KEY (id),
    KEY rule_set_simulations_started (started_at)
) ENGINE = InnoDB;
