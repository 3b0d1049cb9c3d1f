-- Dispatch (docs/dispatch.md): where to reach a customer, the outbox of decisions to send, and its state machine.
-- Times are DATETIME(6) in UTC, like every other table.

-- Contact details beside the customer row (the Customer fact the rules see does not carry addresses). A hard bounce
-- withdraws the e-mail address: decisions then see no e-mail consent until the billing system sends another address.
CREATE TABLE customer_contact_details (
    customer_id            VARCHAR(64)   NOT NULL,
    email                  VARCHAR(254)  NULL,
    mobile                 VARCHAR(32)   NULL,
    postal_address         VARCHAR(500)  NULL,
    email_withdrawn_at     DATETIME(6)   NULL,
    email_withdrawn_reason VARCHAR(500)  NULL,
    updated_at             DATETIME(6)   NOT NULL,
    PRIMARY KEY (customer_id),
    CONSTRAINT contact_details_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE = InnoDB;

-- One entry per dispatched decision; the decision id is the idempotency key every send carries.
-- status: AWAITING_APPROVAL -> PENDING (approved) | REJECTED; PENDING -> SENDING (claimed) -> SENT | PENDING (retry)
-- | DEAD; PENDING, AWAITING_APPROVAL and DEAD -> SUPERSEDED by a newer decision for the customer; DEAD -> PENDING
-- (re-queued by an operator). due_at is when the dispatcher may next take the entry: not_before (quiet hours), a
-- retry's backoff, or the end of a claim's lease (a dispatcher that died mid-send).
CREATE TABLE outbox (
    decision_id     CHAR(36)      NOT NULL,
    customer_id     VARCHAR(64)   NOT NULL,
    action          VARCHAR(30)   NOT NULL,
    channel         VARCHAR(10)   NOT NULL,
    route           VARCHAR(30)   NOT NULL,
    tone            VARCHAR(10)   NULL,
    stage           SMALLINT      NOT NULL,
    template        VARCHAR(100)  NULL,
    decision        LONGTEXT      NOT NULL,
    status          VARCHAR(20)   NOT NULL,
    not_before      DATETIME(6)   NOT NULL,
    due_at          DATETIME(6)   NOT NULL,
    attempts        INT           NOT NULL DEFAULT 0,
    claim_token     CHAR(36)      NULL,
    claimed_by      VARCHAR(100)  NULL,
    recipient       VARCHAR(500)  NULL,
    last_error      VARCHAR(2000) NULL,
    superseded_by   CHAR(36)      NULL,
    reviewed_by     VARCHAR(100)  NULL,
    review_reason   VARCHAR(1000) NULL,
    reviewed_at     DATETIME(6)   NULL,
    contact_id      BIGINT        NULL,
    created_at      DATETIME(6)   NOT NULL,
    updated_at      DATETIME(6)   NOT NULL,
    sent_at         DATETIME(6)   NULL,
    PRIMARY KEY (decision_id),
    KEY outbox_due (status, due_at),
    KEY outbox_customer (customer_id, status),
    KEY outbox_created (created_at, decision_id),
    CONSTRAINT outbox_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id),
    CONSTRAINT outbox_decision_json CHECK (JSON_VALID(decision))
) ENGINE = InnoDB;
