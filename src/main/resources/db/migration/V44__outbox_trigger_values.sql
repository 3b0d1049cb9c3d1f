-- The outbox's trigger effect_outbox_changed (V25) queues a sent or dead entry's decision for the effectiveness
-- summary job, as before; only its form changes. As V25 wrote it (INSERT ... SELECT ... FROM DUAL WHERE ...) every
-- row an UPDATE of the outbox touched ran an INSERT ... SELECT, even when the WHERE left nothing to insert: a 50-row
-- update took a median of 286 ms against 4.3 ms with the same trigger as IF ... THEN INSERT ... VALUES, and 4.7 ms
-- with none (src/test/java/dev/dunning/bench/OutboxUpdateTiming.java, one run on a loaded machine; docs/benchmarks.md
-- section 5). Each dispatcher batch makes two such updates, its claim and its record of the sends. Same condition,
-- same row queued.
DROP TRIGGER effect_outbox_changed;

DELIMITER //
CREATE TRIGGER effect_outbox_changed AFTER UPDATE ON outbox FOR EACH ROW
BEGIN
    IF NEW.status <> OLD.status AND NEW.status IN ('SENT', 'DEAD') THEN
        INSERT INTO effect_changes (decision_id) VALUES (NEW.decision_id);
    END IF;
END//
DELIMITER ;
