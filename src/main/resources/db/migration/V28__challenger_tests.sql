-- Champion/challenger tests of rule sets (docs/effectiveness.md, "Champion/challenger"). One row per test: the
-- champion it was approved against, the challenger, the challenger's share in basis points (1,000 = 10 %) and the
-- salt that, hashed with a customer id, puts the customer in an arm. At most one test is open (proposed or running)
-- at a time: `open_slot` is 1 for an open test and NULL otherwise, and NULLs do not collide in a unique key.
CREATE TABLE challenger_tests (
    id                 BIGINT        NOT NULL AUTO_INCREMENT,
    champion_version   CHAR(64)      NOT NULL,
    challenger_version CHAR(64)      NOT NULL,
    share_bp           INT           NOT NULL,
    salt               VARCHAR(64)   NOT NULL,
    status             VARCHAR(12)   NOT NULL,
    comment            VARCHAR(1000) NULL,
    proposed_by        VARCHAR(200)  NOT NULL,
    proposed_at        DATETIME(6)   NOT NULL,
    approved_by        VARCHAR(200)  NULL,
    started_at         DATETIME(6)   NULL,
    ended_by           VARCHAR(200)  NULL,
    ended_at           DATETIME(6)   NULL,
    end_reason         VARCHAR(1000) NULL,
    open_slot          TINYINT AS (IF(status IN ('PROPOSED', 'RUNNING'), 1, NULL)) PERSISTENT,
    PRIMARY KEY (id),
    UNIQUE KEY challenger_tests_one_open (open_slot)
) ENGINE = InnoDB;

-- Every change of a test, with the person who made it: proposed, approved (started), stopped, rolled back,
-- promoted, ended by a swap of the active version.
CREATE TABLE challenger_test_events (
    id        BIGINT        NOT NULL AUTO_INCREMENT,
    test_id   BIGINT        NOT NULL,
    at        DATETIME(6)   NOT NULL,
    principal VARCHAR(200)  NOT NULL,
    event     VARCHAR(20)   NOT NULL,
    detail    VARCHAR(2000) NULL,
    PRIMARY KEY (id),
    KEY challenger_test_events_test (test_id, id)
) ENGINE = InnoDB;

-- Each decision of a test records its test and arm; both are also in the chained content (testId, arm), which the
-- chain verification compares them with. Decisions outside a test leave them NULL and their content unchanged.
ALTER TABLE audit_records
    ADD COLUMN test_id BIGINT      NULL,
    ADD COLUMN arm     VARCHAR(10) NULL,
    ADD KEY audit_records_test (test_id, arm);
