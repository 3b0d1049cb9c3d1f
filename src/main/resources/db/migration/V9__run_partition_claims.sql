-- Dunning runs shared by several instances (docs/runs.md): a partition's step execution is worked by the instance
-- that inserts its row here first; the primary key makes the claim exclusive, whichever instance asks.
CREATE TABLE run_partition_claims (
    step_execution_id BIGINT       NOT NULL,
    run_id            BIGINT       NOT NULL,
    claimed_by        VARCHAR(100) NOT NULL,
    claimed_at        DATETIME(6)  NOT NULL,
    PRIMARY KEY (step_execution_id),
    KEY run_partition_claims_run (run_id)
) ENGINE = InnoDB;
