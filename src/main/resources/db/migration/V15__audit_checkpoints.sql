-- Signed checkpoints of the chain head (docs/audit.md, "Checkpoints"), kept here for convenience only: the evidence
-- is the copy published outside the database (log, file, webhook) that an auditor keeps. Verification never reads
-- this table.
CREATE TABLE audit_checkpoints (
    id        BIGINT       NOT NULL AUTO_INCREMENT,
    seq       BIGINT       NOT NULL,
    hash      CHAR(64)     NOT NULL,
    at        DATETIME(6)  NOT NULL,
    key_id    CHAR(16)     NOT NULL,
    signature VARCHAR(200) NOT NULL,
    PRIMARY KEY (id),
    KEY audit_checkpoints_seq (seq)
) ENGINE = InnoDB;

CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_checkpoints is append-only: UPDATE refused';
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_checkpoints is append-only: DELETE refused';
