-- Effectiveness figures (docs/effectiveness.md): summary rows kept up to date incrementally, so that a request reads a
-- few thousand rows however many decisions, contacts and payments there are.
--
-- Two ways in:
-- * decisions are read from the audit log by sequence number: audit_records.seq has no gaps and is committed in order
--   (its writers hold the chain head's row lock), so a high-water mark (effect_progress.audit_seq) never skips one;
-- * what changes later (an outbox entry sent or dead, a contact's outcome, a new payment) is queued in effect_changes
--   by the triggers below, whichever code path or import wrote it. The summary job takes queued rows and deletes them
--   in the transaction that applies them, so a crash loses nothing and two instances never apply one row twice (the
--   job holds effect_progress's one row for the whole transaction; an instance that finds it locked skips the pass).

CREATE TABLE effect_progress (
    id          TINYINT     NOT NULL,
    audit_seq   BIGINT      NOT NULL,
    -- The attribution window the summaries were built with: a different setting rebuilds them.
    window_days INT         NOT NULL,
    updated_at  DATETIME(6) NOT NULL,
    PRIMARY KEY (id)
) ENGINE = InnoDB;
INSERT INTO effect_progress (id, audit_seq, window_days, updated_at) VALUES (1, 0, -1, UTC_TIMESTAMP(6));

CREATE TABLE effect_changes (
    id          BIGINT   NOT NULL AUTO_INCREMENT,
    decision_id CHAR(36) NULL,
    payment_id  BIGINT   NULL,
    PRIMARY KEY (id)
) ENGINE = InnoDB;

-- Where a decision counts: one row per cut and value, under the three filters (version, segment, currency). Cut
-- NONE (value '') counts each decision once and serves the totals and the cuts by the filters themselves; each other
-- cut (ACTION, CHANNEL, TONE, TEMPLATE, LANGUAGE, POLICY) counts it again under its value, once per policy reference
-- for POLICY. A request reads the rows of one cut only: a few per day, however many combinations exist.
CREATE TABLE effect_cells (
    id               INT          NOT NULL AUTO_INCREMENT,
    cut              VARCHAR(10)  NOT NULL,
    rule_set_version CHAR(64)     NOT NULL,
    segment          VARCHAR(20)  NOT NULL,
    currency         VARCHAR(3)   NOT NULL,
    value            VARCHAR(200) COLLATE utf8mb4_bin NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY effect_cells_all (cut, rule_set_version, segment, currency, value)
) ENGINE = InnoDB;

-- One row per audited decision: where it counts and what has come of it so far.
-- sent_at: when its message went out (null: nothing sent, or not yet); outcome: the contact's furthest outcome;
-- paid_days: whole days from the contact (or the decision, when nothing was sent) to the first payment attributed to it.
CREATE TABLE effect_decisions (
    decision_id  CHAR(36)    NOT NULL,
    seq          BIGINT      NOT NULL,
    customer_id  VARCHAR(64) NOT NULL,
    decided_at   DATETIME(6) NOT NULL,
    day          DATE        NOT NULL,
    cell         INT         NOT NULL,
    contact      BOOLEAN     NOT NULL,
    sent_at      DATETIME(6) NULL,
    outcome      VARCHAR(20) NULL,
    paid_days    INT         NULL,
    PRIMARY KEY (decision_id),
    KEY effect_decisions_customer (customer_id, decided_at),
    KEY effect_decisions_outcome (outcome, decided_at, customer_id)
) ENGINE = InnoDB;

CREATE TABLE effect_decision_cells (
    decision_id CHAR(36) NOT NULL,
    cell        INT      NOT NULL,
    PRIMARY KEY (decision_id, cell)
) ENGINE = InnoDB;

-- The invoices a decision concerns: a payment of one of them can be attributed to the decision's contact.
CREATE TABLE effect_decision_invoices (
    invoice_id  VARCHAR(64) NOT NULL,
    decision_id CHAR(36)    NOT NULL,
    PRIMARY KEY (invoice_id, decision_id)
) ENGINE = InnoDB;

-- Every payment seen, and the decision it is attributed to (null: none within the window).
CREATE TABLE effect_payments (
    payment_id  BIGINT        NOT NULL,
    invoice_id  VARCHAR(64)   NOT NULL,
    customer_id VARCHAR(64)   NOT NULL,
    currency    CHAR(3)       NOT NULL,
    amount      DECIMAL(19,4) NOT NULL,
    paid_at     DATETIME(6)   NOT NULL,
    decision_id CHAR(36)      NULL,
    days        INT           NULL,
    PRIMARY KEY (payment_id),
    KEY effect_payments_customer (customer_id, paid_at),
    KEY effect_payments_decision (decision_id)
) ENGINE = InnoDB;

-- The summaries: per day of decision and cell.
CREATE TABLE effect_daily (
    day       DATE NOT NULL,
    cell      INT  NOT NULL,
    decisions INT  NOT NULL,
    contacts  INT  NOT NULL,
    sent      INT  NOT NULL,
    delivered INT  NOT NULL,
    opened    INT  NOT NULL,
    replied   INT  NOT NULL,
    bounced   INT  NOT NULL,
    failed    INT  NOT NULL,
    paid      INT  NOT NULL,
    PRIMARY KEY (day, cell),
    KEY effect_daily_cell (cell, day)
) ENGINE = InnoDB;

CREATE TABLE effect_daily_amounts (
    day      DATE          NOT NULL,
    cell     INT           NOT NULL,
    currency CHAR(3)       NOT NULL,
    amount   DECIMAL(19,4) NOT NULL,
    payments INT           NOT NULL,
    PRIMARY KEY (day, cell, currency),
    KEY effect_daily_amounts_cell (cell, day)
) ENGINE = InnoDB;

-- How many paid decisions took how many days to their first payment (for medians).
CREATE TABLE effect_daily_days (
    day       DATE NOT NULL,
    cell      INT  NOT NULL,
    days      INT  NOT NULL,
    decisions INT  NOT NULL,
    PRIMARY KEY (day, cell, days),
    KEY effect_daily_days_cell (cell, day)
) ENGINE = InnoDB;

-- Receivables, kept by the triggers on invoices: the open amount per currency and due date (ageing, DSO), and what
-- was invoiced per currency and issue date (the sales DSO counts back through).
CREATE TABLE effect_receivables (
    currency CHAR(3)       NOT NULL,
    due_date DATE          NOT NULL,
    open_amount DECIMAL(19,4) NOT NULL,
    invoices INT           NOT NULL,
    PRIMARY KEY (currency, due_date)
) ENGINE = InnoDB;

CREATE TABLE effect_sales (
    currency   CHAR(3)       NOT NULL,
    issue_date DATE          NOT NULL,
    amount     DECIMAL(19,4) NOT NULL,
    invoices   INT           NOT NULL,
    PRIMARY KEY (currency, issue_date)
) ENGINE = InnoDB;

INSERT INTO effect_receivables (currency, due_date, open_amount, invoices)
SELECT currency, due_date, SUM(amount - amount_paid), COUNT(*) FROM invoices
WHERE status IN ('OPEN', 'PARTIALLY_PAID', 'DISPUTED') GROUP BY currency, due_date;
INSERT INTO effect_sales (currency, issue_date, amount, invoices)
SELECT currency, issue_date, SUM(amount), COUNT(*) FROM invoices GROUP BY currency, issue_date;
INSERT INTO effect_changes (payment_id) SELECT id FROM payments ORDER BY id;

-- An outbox entry sent or dead (a dead one may carry a FAILED contact): its decision's figures change.
CREATE TRIGGER effect_outbox_changed AFTER UPDATE ON outbox FOR EACH ROW
    INSERT INTO effect_changes (decision_id)
    SELECT NEW.decision_id FROM DUAL WHERE NEW.status <> OLD.status AND NEW.status IN ('SENT', 'DEAD');

-- A contact's outcome (delivered, opened, replied, bounced) reported: the dispatcher records a message's contact under
-- the reference 'outbox:' + decision id (Dispatcher.reference), which names the decision.
CREATE TRIGGER effect_contact_changed AFTER UPDATE ON contact_attempts FOR EACH ROW
    INSERT INTO effect_changes (decision_id)
    SELECT SUBSTRING(NEW.reference, 8) FROM DUAL
    WHERE NEW.reference LIKE 'outbox:%' AND (NEW.outcome <> OLD.outcome OR NEW.contacted_at <> OLD.contacted_at);

CREATE TRIGGER effect_payment_added AFTER INSERT ON payments FOR EACH ROW
    INSERT INTO effect_changes (payment_id) VALUES (NEW.id);

DELIMITER //
CREATE TRIGGER effect_invoice_added AFTER INSERT ON invoices FOR EACH ROW
BEGIN
    INSERT INTO effect_sales (currency, issue_date, amount, invoices) VALUES (NEW.currency, NEW.issue_date, NEW.amount, 1)
        ON DUPLICATE KEY UPDATE amount = amount + NEW.amount, invoices = invoices + 1;
    IF NEW.status IN ('OPEN', 'PARTIALLY_PAID', 'DISPUTED') THEN
        INSERT INTO effect_receivables (currency, due_date, open_amount, invoices)
        VALUES (NEW.currency, NEW.due_date, NEW.amount - NEW.amount_paid, 1)
            ON DUPLICATE KEY UPDATE open_amount = open_amount + NEW.amount - NEW.amount_paid, invoices = invoices + 1;
    END IF;
END//

CREATE TRIGGER effect_invoice_changed AFTER UPDATE ON invoices FOR EACH ROW
BEGIN
    IF NEW.currency <> OLD.currency OR NEW.issue_date <> OLD.issue_date OR NEW.amount <> OLD.amount THEN
        UPDATE effect_sales SET amount = amount - OLD.amount, invoices = invoices - 1
        WHERE currency = OLD.currency AND issue_date = OLD.issue_date;
        INSERT INTO effect_sales (currency, issue_date, amount, invoices)
        VALUES (NEW.currency, NEW.issue_date, NEW.amount, 1)
            ON DUPLICATE KEY UPDATE amount = amount + NEW.amount, invoices = invoices + 1;
    END IF;
    IF OLD.status IN ('OPEN', 'PARTIALLY_PAID', 'DISPUTED') THEN
        UPDATE effect_receivables SET open_amount = open_amount - (OLD.amount - OLD.amount_paid), invoices = invoices - 1
        WHERE currency = OLD.currency AND due_date = OLD.due_date;
    END IF;
    IF NEW.status IN ('OPEN', 'PARTIALLY_PAID', 'DISPUTED') THEN
        INSERT INTO effect_receivables (currency, due_date, open_amount, invoices)
        VALUES (NEW.currency, NEW.due_date, NEW.amount - NEW.amount_paid, 1)
            ON DUPLICATE KEY UPDATE open_amount = open_amount + NEW.amount - NEW.amount_paid, invoices = invoices + 1;
    END IF;
END//

CREATE TRIGGER effect_invoice_removed AFTER DELETE ON invoices FOR EACH ROW
BEGIN
    UPDATE effect_sales SET amount = amount - OLD.amount, invoices = invoices - 1
    WHERE currency = OLD.currency AND issue_date = OLD.issue_date;
    IF OLD.status IN ('OPEN', 'PARTIALLY_PAID', 'DISPUTED') THEN
        UPDATE effect_receivables SET open_amount = open_amount - (OLD.amount - OLD.amount_paid), invoices = invoices - 1
        WHERE currency = OLD.currency AND due_date = OLD.due_date;
    END IF;
END//
DELIMITER ;
