-- The manual-review queue (issue 18, work queues): a credit controller records that a customer's manual review is
-- dealt with, with a note of what was done, who and when. One row per MANUAL_REVIEW decision at most (the unique keys
-- refuse a second); append-only, as the approvals and the audit log it complements. A newer MANUAL_REVIEW decision
-- for the customer has no row of its own, so it reopens the queue's entry without anything here changing.
-- seq and customer_id repeat the decision's (its place in audit_records, its customer), so that the queue reads the
-- log by primary key and the dealt-with list filtered by customer reads this table's index alone.
CREATE TABLE manual_reviews_dealt_with (
    id            BIGINT        NOT NULL AUTO_INCREMENT,
    decision_id   CHAR(36)      NOT NULL,
    seq           BIGINT        NOT NULL,
    customer_id   VARCHAR(64)   COLLATE utf8mb4_nopad_bin NOT NULL,
    dealt_with_by VARCHAR(200)  NOT NULL,
    dealt_with_at DATETIME(6)   NOT NULL,
    note          VARCHAR(2000) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY manual_reviews_dealt_with_decision (decision_id),
    UNIQUE KEY manual_reviews_dealt_with_seq (seq),
    KEY manual_reviews_dealt_with_customer (customer_id, id)
) ENGINE = InnoDB;

CREATE TRIGGER manual_reviews_dealt_with_no_update BEFORE UPDATE ON manual_reviews_dealt_with FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'manual_reviews_dealt_with is append-only: UPDATE refused';
CREATE TRIGGER manual_reviews_dealt_with_no_delete BEFORE DELETE ON manual_reviews_dealt_with FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'manual_reviews_dealt_with is append-only: DELETE refused';

-- Each customer's latest MANUAL_REVIEW decision, read from the index alone: the open queue is the latest per customer
-- (MAX(seq) grouped by customer over the action's entries, no row read), and "has the customer a newer one?" is one
-- dive. Walking the (action, seq) index instead read every MANUAL_REVIEW record's row to find a page, which at
-- 1,346,340 records took 1.3 to 3 s once most reviews were dealt with (docs/benchmarks.md, "The manual-review queue").
-- Building it took 46 s on that log (a shared machine, load about 18).
CREATE INDEX audit_records_action_customer_seq ON audit_records (action, customer_id, seq);
