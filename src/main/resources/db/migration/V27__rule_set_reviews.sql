-- Four eyes on what the service serves: a person asks for a rule-set version to be activated (a candidate) or rolled
-- back to (an earlier version) with a comment, and a different credit controller approves (which activates it through
-- the gates), rejects with a comment, or the asker withdraws. Every step is also a line in rule_set_events. The kind
-- is open text so that other changes that need the same gate (a champion/challenger test) can add kinds without a
-- migration; detail holds what such a kind needs beyond the version.
CREATE TABLE rule_set_reviews (
    id                BIGINT        NOT NULL AUTO_INCREMENT,
    version           CHAR(64)      NOT NULL,
    kind              VARCHAR(20)   NOT NULL,
    detail            VARCHAR(2000) NULL,
    requested_by      VARCHAR(200)  NOT NULL,
    requested_at      DATETIME(6)   NOT NULL,
    comment           VARCHAR(2000) NOT NULL,
    -- The version in force when the request was made: the reviewer judges the diff against it, so an approval after
    -- another version was activated would approve something nobody reviewed (refused as stale).
    active_at_request CHAR(64)      NULL,
    state             VARCHAR(10)   NOT NULL,
    reviewer          VARCHAR(200)  NULL,
    review_comment    VARCHAR(2000) NULL,
    reviewed_at       DATETIME(6)   NULL,
    -- Why the last approval did not activate (a gate failed); the request stays pending.
    last_failure      VARCHAR(2000) NULL,
    -- At most one pending request per version and kind: "version:kind" while pending, NULL (no constraint) once
    -- decided. Set by the application (a generated column cannot read the CHAR version under every sql_mode).
    pending_key       VARCHAR(90)   NULL,
    PRIMARY KEY (id),
    UNIQUE KEY rule_set_reviews_one_pending (pending_key),
    KEY rule_set_reviews_version (version, id),
    KEY rule_set_reviews_state (state, id),
    CONSTRAINT rule_set_reviews_version FOREIGN KEY (version) REFERENCES rule_set_versions (version),
    CONSTRAINT rule_set_reviews_state CHECK (state IN ('PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN'))
) ENGINE = InnoDB;
