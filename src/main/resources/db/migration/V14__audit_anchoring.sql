-- Anchoring the audit log (docs/audit.md, "Tamper evidence"). What the triggers below refuse holds for every user,
-- the application's included; a database administrator who drops them is caught by verification instead (signed
-- checkpoints kept outside the database, V15).

-- The chain head moves only forward, and only to the record it names: moving it back (to hide a deleted tail) or to
-- a seq or hash that is not the stored record's is refused. The audit writer inserts its records first and moves the
-- head last, in the same transaction, so the trigger sees them.
DELIMITER //
CREATE TRIGGER audit_chain_head_forward_only BEFORE UPDATE ON audit_chain_head FOR EACH ROW
BEGIN
    IF NEW.id <> OLD.id OR NEW.seq < OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash <> OLD.hash) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_chain_head only moves forward: UPDATE refused';
    END IF;
    IF NEW.seq > OLD.seq AND NOT EXISTS (SELECT 1 FROM audit_records WHERE seq = NEW.seq AND hash = NEW.hash) THEN
        SIGNAL SQLSTATE '45000'
            SET MESSAGE_TEXT = 'audit_chain_head must name a stored record by its seq and hash: UPDATE refused';
    END IF;
END//
DELIMITER ;
CREATE TRIGGER audit_chain_head_no_insert BEFORE INSERT ON audit_chain_head FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_chain_head has one row: INSERT refused';
CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_chain_head has one row: DELETE refused';

-- Which files make a version: remapping a version to another file would let auditors download a forged "file in
-- force" and a rollback compile it. Append-only like rule_set_files (V2).
CREATE TRIGGER rule_set_version_files_no_update BEFORE UPDATE ON rule_set_version_files FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'rule_set_version_files is append-only: UPDATE refused';
CREATE TRIGGER rule_set_version_files_no_delete BEFORE DELETE ON rule_set_version_files FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'rule_set_version_files is append-only: DELETE refused';

-- The shortest age at which fact snapshots may be erased, in seconds; NULL (the start): never. The service sets it
-- from dunning.audit.facts-retention. It can only grow: with the application's credentials nobody can shorten it to
-- erase young snapshots; shortening it is a deliberate act of the database administrator.
CREATE TABLE audit_facts_retention (
    id              TINYINT NOT NULL,
    min_age_seconds BIGINT  NULL,
    PRIMARY KEY (id)
) ENGINE = InnoDB;
INSERT INTO audit_facts_retention (id, min_age_seconds) VALUES (1, NULL);

DELIMITER //
CREATE TRIGGER audit_facts_retention_only_grows BEFORE UPDATE ON audit_facts_retention FOR EACH ROW
BEGIN
    IF NEW.id <> OLD.id OR NEW.min_age_seconds IS NULL OR NEW.min_age_seconds <= 0
            OR (OLD.min_age_seconds IS NOT NULL AND NEW.min_age_seconds < OLD.min_age_seconds) THEN
        SIGNAL SQLSTATE '45000'
            SET MESSAGE_TEXT = 'audit_facts_retention can only grow: UPDATE refused (a DBA may shorten it)';
    END IF;
END//
DELIMITER ;
CREATE TRIGGER audit_facts_retention_no_insert BEFORE INSERT ON audit_facts_retention FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_facts_retention has one row: INSERT refused';
CREATE TRIGGER audit_facts_retention_no_delete BEFORE DELETE ON audit_facts_retention FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_facts_retention has one row: DELETE refused';

-- Erasure of a fact snapshot only once its record (by the record's own time) is older than the retention age, and
-- only once: facts to NULL with the time of erasure, nothing else. The erasure itself is appended to the chain by the
-- service (an entry point "erasure" record listing the erased records), which verification checks.
DROP TRIGGER audit_facts_erase_only;
DELIMITER //
CREATE TRIGGER audit_facts_erase_only BEFORE UPDATE ON audit_facts FOR EACH ROW
BEGIN
    DECLARE min_age BIGINT;
    DECLARE recorded DATETIME(6);
    IF NEW.facts IS NOT NULL OR OLD.facts IS NULL OR NEW.seq <> OLD.seq OR NEW.facts_hash <> OLD.facts_hash
            OR NEW.erased_at IS NULL THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_facts only allows erasure of personal facts';
    END IF;
    SELECT min_age_seconds INTO min_age FROM audit_facts_retention WHERE id = 1;
    SELECT recorded_at INTO recorded FROM audit_records WHERE seq = OLD.seq;
    IF min_age IS NULL THEN
        SIGNAL SQLSTATE '45000'
            SET MESSAGE_TEXT = 'audit_facts only allows erasure past the retention age, and none is set: refused';
    END IF;
    IF recorded IS NULL OR recorded > UTC_TIMESTAMP(6) - INTERVAL min_age SECOND THEN
        SIGNAL SQLSTATE '45000'
            SET MESSAGE_TEXT = 'audit_facts only allows erasure past the retention age: these facts are younger';
    END IF;
END//
DELIMITER ;
