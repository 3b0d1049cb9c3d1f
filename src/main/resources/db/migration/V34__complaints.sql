-- Complaints (docs/effectiveness.md, "Complaints"): a recipient's spam report (an e-mail feedback loop), a STOP reply
-- to a text message, or a customer's complaint about a message, reported as a contact event of the message. A
-- complaint is not a step of the outcome ladder (sent < delivered < opened < replied; bounced, failed): the outcome
-- stays as the delivery events made it, and the complaint is kept beside it, the first one of each message only.
ALTER TABLE contact_attempts
    ADD COLUMN complaint     VARCHAR(20) NULL,
    ADD COLUMN complained_at DATETIME(6) NULL;

-- The summaries count, per day and cell, the sent messages that drew a complaint (existing rows: none could).
ALTER TABLE effect_decisions ADD COLUMN complained BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE effect_daily ADD COLUMN complained INT NOT NULL DEFAULT 0;

-- A complaint reported queues the message's decision for the summary job, as a change of outcome does.
DROP TRIGGER effect_contact_changed;
CREATE TRIGGER effect_contact_changed AFTER UPDATE ON contact_attempts FOR EACH ROW
    INSERT INTO effect_changes (decision_id)
    SELECT SUBSTRING(NEW.reference, 8) FROM DUAL
    WHERE NEW.reference LIKE 'outbox:%' AND (NEW.outcome <> OLD.outcome OR NEW.contacted_at <> OLD.contacted_at
        OR NOT (NEW.complained_at <=> OLD.complained_at));
