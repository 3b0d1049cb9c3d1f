-- The audit log: every decision, append-only and hash-chained. It replaces the decisions table of V1: the log is
-- where decisions are kept, so there is one record of each, not two that could disagree.
DROP TABLE decisions;

-- One row per decision. `content` is the canonical JSON the hash covers (everything but the personal facts, which
-- are covered through facts_hash); the other columns repeat parts of it for filtering and are checked against it
-- by verification. seq has no gaps: a missing number is a deleted record.
CREATE TABLE audit_records (
    seq              BIGINT      NOT NULL,
    decision_id      CHAR(36)    NOT NULL,
    recorded_at      DATETIME(6) NOT NULL,
    as_of            DATETIME(6) NOT NULL,
    customer_id      VARCHAR(64) NOT NULL,
    principal        VARCHAR(200) NOT NULL,
    entry_point      VARCHAR(20) NOT NULL,
    rule_set_version CHAR(64)    NOT NULL,
    action           VARCHAR(30) NOT NULL,
    channel          VARCHAR(10) NOT NULL,
    tone             VARCHAR(10) NULL,
    facts_hash       CHAR(64)    NOT NULL,
    content          LONGTEXT    NOT NULL,
    prev_hash        CHAR(64)    NOT NULL,
    hash             CHAR(64)    NOT NULL,
    PRIMARY KEY (seq),
    UNIQUE KEY audit_records_decision (decision_id),
    KEY audit_records_customer (customer_id, recorded_at),
    KEY audit_records_time (recorded_at),
    KEY audit_records_version (rule_set_version, recorded_at)
) ENGINE = InnoDB;

-- The facts each decision was made on, kept apart because they hold personal data: retention may erase them
-- (facts set to NULL, erased_at set) while the chain, which covers their hash, stays verifiable.
CREATE TABLE audit_facts (
    seq        BIGINT      NOT NULL,
    facts      LONGTEXT    NULL,
    facts_hash CHAR(64)    NOT NULL,
    erased_at  DATETIME(6) NULL,
    PRIMARY KEY (seq)
) ENGINE = InnoDB;

-- Each fired rule of each decision, in firing order, for filters and firing statistics. Covered by the chain
-- through the trace inside audit_records.content.
CREATE TABLE audit_fired_rules (
    seq              BIGINT       NOT NULL,
    ordinal          SMALLINT     NOT NULL,
    recorded_at      DATETIME(6)  NOT NULL,
    rule_set_version CHAR(64)     NOT NULL,
    rule_name        VARCHAR(200) NOT NULL,
    source           VARCHAR(200) NULL,
    sheet            VARCHAR(100) NULL,
    sheet_row        INT          NULL,
    policy           VARCHAR(100) NULL,
    group_name       VARCHAR(30)  NULL,
    overridden       BOOLEAN      NOT NULL,
    PRIMARY KEY (seq, ordinal),
    KEY audit_fired_rules_rule (rule_name, recorded_at),
    KEY audit_fired_rules_time (recorded_at, rule_set_version)
) ENGINE = InnoDB;

-- The head of the chain: one row, locked by each writer for its batch, so that several instances append one chain.
CREATE TABLE audit_chain_head (
    id   TINYINT  NOT NULL,
    seq  BIGINT   NOT NULL,
    hash CHAR(64) NOT NULL,
    PRIMARY KEY (id)
) ENGINE = InnoDB;
INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, REPEAT('0', 64));

-- The exact files of every rule-set version that made a decision, stored once per content hash.
CREATE TABLE rule_set_files (
    sha256  CHAR(64) NOT NULL,
    content LONGBLOB NOT NULL,
    PRIMARY KEY (sha256)
) ENGINE = InnoDB;

CREATE TABLE rule_set_version_files (
    version CHAR(64)     NOT NULL,
    name    VARCHAR(300) NOT NULL,
    sha256  CHAR(64)     NOT NULL,
    PRIMARY KEY (version, name),
    CONSTRAINT rule_set_version_files_file FOREIGN KEY (sha256) REFERENCES rule_set_files (sha256)
) ENGINE = InnoDB;

-- Append-only, enforced by the database: whoever connects, UPDATE and DELETE on the log fail.
CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_records is append-only: UPDATE refused';
CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_records is append-only: DELETE refused';
CREATE TRIGGER audit_fired_rules_no_update BEFORE UPDATE ON audit_fired_rules FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_fired_rules is append-only: UPDATE refused';
CREATE TRIGGER audit_fired_rules_no_delete BEFORE DELETE ON audit_fired_rules FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_fired_rules is append-only: DELETE refused';
CREATE TRIGGER audit_facts_no_delete BEFORE DELETE ON audit_facts FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_facts is append-only: DELETE refused';
CREATE TRIGGER rule_set_files_no_update BEFORE UPDATE ON rule_set_files FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'rule_set_files is append-only: UPDATE refused';
CREATE TRIGGER rule_set_files_no_delete BEFORE DELETE ON rule_set_files FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'rule_set_files is append-only: DELETE refused';

-- The one change allowed on audit_facts is erasure by retention: facts to NULL, nothing else.
DELIMITER //
CREATE TRIGGER audit_facts_erase_only BEFORE UPDATE ON audit_facts FOR EACH ROW
BEGIN
    IF NEW.facts IS NOT NULL OR NEW.seq <> OLD.seq OR NEW.facts_hash <> OLD.facts_hash
            OR NEW.erased_at IS NULL THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_facts only allows erasure of personal facts';
    END IF;
END//
DELIMITER ;
