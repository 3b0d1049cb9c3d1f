-- Fired rules, stored narrow (docs/audit.md, "What is recorded"; figures in docs/benchmarks.md).
--
-- audit_fired_rules repeated, for every firing, the rule's name, file, sheet, row, policy, group, the version and the
-- recording time, under four secondary indexes: with 3.6 firings per decision it cost more than the record itself,
-- and audited throughput doubled without it. A rule's description depends only on its rule-set version, so it is
-- stored once per version and rule (audit_rules), each name once (audit_rule_names: the rule-name filter spans versions
-- and walks one index range ordered by seq); a firing is then five numbers (audit_firings). The chained record's
-- trace still carries everything; these tables serve filtering, statistics and the verifier's cross-check. Names and
-- files compare byte for byte (utf8mb4_bin), as Drools does: two rules whose names differ in case are two rules.

CREATE TABLE audit_rule_names (
    id        INT          NOT NULL AUTO_INCREMENT,
    rule_name VARCHAR(200) COLLATE utf8mb4_bin NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY audit_rule_names_name (rule_name)
) ENGINE = InnoDB;

CREATE TABLE audit_rules (
    id               INT          NOT NULL AUTO_INCREMENT,
    rule_set_version CHAR(64)     NOT NULL,
    rule_name        VARCHAR(200) COLLATE utf8mb4_bin NOT NULL,
    name_id          INT          NOT NULL,
    source           VARCHAR(200) COLLATE utf8mb4_bin NOT NULL, -- '' when the trace names no file
    sheet            VARCHAR(100) NULL,
    sheet_row        INT          NULL,
    policy           VARCHAR(100) NULL,
    group_name       VARCHAR(30)  NULL,
    PRIMARY KEY (id),
    UNIQUE KEY audit_rules_version_rule (rule_set_version, rule_name, source)
) ENGINE = InnoDB;

CREATE TABLE audit_firings (
    seq        BIGINT   NOT NULL,
    ordinal    SMALLINT NOT NULL,
    rule_id    INT      NOT NULL,
    name_id    INT      NOT NULL,
    overridden BOOLEAN  NOT NULL,
    PRIMARY KEY (seq, ordinal),
    KEY audit_firings_name_seq (name_id, seq)
) ENGINE = InnoDB;

-- What was recorded so far moves over unchanged (one description per version and rule: the first one seen).
-- The old columns compare case-insensitively: group by the exact bytes, or two names differing in case would merge.
INSERT INTO audit_rule_names (rule_name) SELECT DISTINCT rule_name COLLATE utf8mb4_bin FROM audit_fired_rules;

INSERT INTO audit_rules (rule_set_version, rule_name, name_id, source, sheet, sheet_row, policy, group_name)
SELECT f.rule_set_version, n.rule_name, n.id, COALESCE(f.source, '') COLLATE utf8mb4_bin, MIN(f.sheet),
    MIN(f.sheet_row), MIN(f.policy), MIN(f.group_name)
FROM audit_fired_rules f JOIN audit_rule_names n ON n.rule_name = f.rule_name COLLATE utf8mb4_bin
GROUP BY f.rule_set_version, n.id, n.rule_name, COALESCE(f.source, '') COLLATE utf8mb4_bin;

INSERT INTO audit_firings (seq, ordinal, rule_id, name_id, overridden)
SELECT f.seq, f.ordinal, u.id, u.name_id, f.overridden
FROM audit_fired_rules f JOIN audit_rules u ON u.rule_set_version = f.rule_set_version
    AND u.rule_name = f.rule_name COLLATE utf8mb4_bin AND u.source = COALESCE(f.source, '') COLLATE utf8mb4_bin;

DROP TABLE audit_fired_rules;

-- Redundant since V6: (customer_id, seq) and (rule_set_version, seq) serve every query these served.
DROP INDEX audit_records_customer ON audit_records;
DROP INDEX audit_records_version ON audit_records;

CREATE TRIGGER audit_rule_names_no_update BEFORE UPDATE ON audit_rule_names FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_rule_names is append-only: UPDATE refused';
CREATE TRIGGER audit_rule_names_no_delete BEFORE DELETE ON audit_rule_names FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_rule_names is append-only: DELETE refused';
CREATE TRIGGER audit_rules_no_update BEFORE UPDATE ON audit_rules FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_rules is append-only: UPDATE refused';
CREATE TRIGGER audit_rules_no_delete BEFORE DELETE ON audit_rules FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_rules is append-only: DELETE refused';
CREATE TRIGGER audit_firings_no_update BEFORE UPDATE ON audit_firings FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_firings is append-only: UPDATE refused';
CREATE TRIGGER audit_firings_no_delete BEFORE DELETE ON audit_firings FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_firings is append-only: DELETE refused';
