-- The contact attempts' trigger effect_contact_changed (V25, V34) queues a sent message's decision for the
-- effectiveness summary job when its outcome, time or complaint changes, as before; only its form changes, as V44 did
-- for the outbox's: written as INSERT ... SELECT ... FROM DUAL WHERE, it ran an INSERT ... SELECT for every row an
-- UPDATE of contact_attempts touched, also when the WHERE left nothing to insert, which cost milliseconds per row
-- (docs/benchmarks.md section 5). Same condition, same row queued.
DROP TRIGGER effect_contact_changed;

DELIMITER //
CREATE TRIGGER effect_contact_changed AFTER UPDATE ON contact_attempts FOR EACH ROW
BEGIN
    IF NEW.reference LIKE 'outbox:%' AND (NEW.outcome <> OLD.outcome OR NEW.contacted_at <> OLD.contacted_at
            OR NOT (NEW.complained_at <=> OLD.complained_at)) THEN
        INSERT INTO effect_changes (decision_id) VALUES (SUBSTRING(NEW.reference, 8));
    END IF;
END//
DELIMITER ;
