-- Facts the billing systems keep in this service, and the decisions made on them.
-- Money: DECIMAL(19,4) with its ISO 4217 currency beside it. Times: DATETIME(6) in UTC (the service converts;
-- no column depends on the session time zone). Dates (issue, due, hold from/until) are calendar dates.

CREATE TABLE customers (
    id                     VARCHAR(64)  NOT NULL,
    name                   VARCHAR(200) NULL,
    segment                VARCHAR(20)  NOT NULL,
    country                CHAR(2)      NOT NULL,
    language               VARCHAR(3)   NOT NULL,
    time_zone              VARCHAR(64)  NOT NULL,
    currency               CHAR(3)      NULL,
    risk_score             SMALLINT     NOT NULL,
    tenure_months          SMALLINT     NOT NULL,
    consent_email          BOOLEAN      NOT NULL,
    consent_sms            BOOLEAN      NOT NULL,
    consent_phone          BOOLEAN      NOT NULL,
    consent_letter         BOOLEAN      NOT NULL,
    do_not_contact         BOOLEAN      NOT NULL,
    vulnerable             BOOLEAN      NOT NULL,
    third_party_collection BOOLEAN      NOT NULL,
    created_at             DATETIME(6)  NOT NULL,
    updated_at             DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    KEY customers_segment (segment, country)
) ENGINE = InnoDB;

CREATE TABLE invoices (
    id                 VARCHAR(64)   NOT NULL,
    customer_id        VARCHAR(64)   NOT NULL,
    number             VARCHAR(64)   NOT NULL,
    currency           CHAR(3)       NOT NULL,
    amount             DECIMAL(19,4) NOT NULL,
    amount_paid        DECIMAL(19,4) NOT NULL DEFAULT 0,
    issue_date         DATE          NOT NULL,
    due_date           DATE          NOT NULL,
    status             VARCHAR(20)   NOT NULL,
    payment_method     VARCHAR(32)   NULL,
    -- Kept in step with payment_failures in the same transaction, so that loading facts is one query.
    failed_attempts    INT           NOT NULL DEFAULT 0,
    last_decline_code  VARCHAR(64)   NULL,
    last_decline_class VARCHAR(10)   NULL,
    last_failure_at    DATETIME(6)   NULL,
    created_at         DATETIME(6)   NOT NULL,
    updated_at         DATETIME(6)   NOT NULL,
    PRIMARY KEY (id),
    KEY invoices_customer (customer_id, status),
    CONSTRAINT invoices_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id),
    CONSTRAINT invoices_amounts CHECK (amount >= 0 AND amount_paid >= 0 AND amount_paid <= amount),
    CONSTRAINT invoices_dates CHECK (due_date >= issue_date)
) ENGINE = InnoDB;

CREATE TABLE payments (
    id          BIGINT        NOT NULL AUTO_INCREMENT,
    invoice_id  VARCHAR(64)   NOT NULL,
    amount      DECIMAL(19,4) NOT NULL,
    currency    CHAR(3)       NOT NULL,
    paid_at     DATETIME(6)   NOT NULL,
    reference   VARCHAR(100)  NULL,
    recorded_at DATETIME(6)   NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY payments_reference (invoice_id, reference),
    CONSTRAINT payments_invoice_fk FOREIGN KEY (invoice_id) REFERENCES invoices (id),
    CONSTRAINT payments_positive CHECK (amount > 0)
) ENGINE = InnoDB;

CREATE TABLE payment_failures (
    id            BIGINT        NOT NULL AUTO_INCREMENT,
    invoice_id    VARCHAR(64)   NOT NULL,
    failed_at     DATETIME(6)   NOT NULL,
    decline_code  VARCHAR(64)   NOT NULL,
    decline_class VARCHAR(10)   NOT NULL,
    amount        DECIMAL(19,4) NULL,
    reference     VARCHAR(100)  NULL,
    recorded_at   DATETIME(6)   NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY payment_failures_reference (invoice_id, reference),
    CONSTRAINT payment_failures_invoice_fk FOREIGN KEY (invoice_id) REFERENCES invoices (id)
) ENGINE = InnoDB;

CREATE TABLE contact_attempts (
    id          BIGINT      NOT NULL AUTO_INCREMENT,
    customer_id VARCHAR(64) NOT NULL,
    contacted_at DATETIME(6) NOT NULL,
    channel     VARCHAR(10) NOT NULL,
    action      VARCHAR(30) NULL,
    stage       SMALLINT    NULL,
    outcome     VARCHAR(20) NOT NULL,
    reference   VARCHAR(100) NULL,
    recorded_at DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    KEY contact_attempts_customer (customer_id, contacted_at),
    UNIQUE KEY contact_attempts_reference (customer_id, reference),
    CONSTRAINT contact_attempts_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE = InnoDB;

CREATE TABLE holds (
    id          BIGINT       NOT NULL AUTO_INCREMENT,
    customer_id VARCHAR(64)  NOT NULL,
    kind        VARCHAR(20)  NOT NULL,
    invoice_id  VARCHAR(64)  NULL,
    from_date   DATE         NOT NULL,
    until_date  DATE         NULL,
    reason      VARCHAR(500) NULL,
    created_at  DATETIME(6)  NOT NULL,
    -- Set by ending the hold; decisions as of a later instant no longer see it.
    ended_at    DATETIME(6)  NULL,
    PRIMARY KEY (id),
    KEY holds_customer (customer_id),
    CONSTRAINT holds_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id),
    CONSTRAINT holds_invoice_fk FOREIGN KEY (invoice_id) REFERENCES invoices (id),
    CONSTRAINT holds_dates CHECK (until_date IS NULL OR until_date >= from_date)
) ENGINE = InnoDB;

CREATE TABLE decisions (
    id               CHAR(36)    NOT NULL,
    customer_id      VARCHAR(64) NOT NULL,
    decided_at       DATETIME(6) NOT NULL,
    as_of            DATETIME(6) NOT NULL,
    rule_set_version CHAR(64)    NOT NULL,
    action           VARCHAR(30) NOT NULL,
    channel          VARCHAR(10) NOT NULL,
    tone             VARCHAR(10) NULL,
    stage            SMALLINT    NOT NULL,
    -- The decision as the API returned it (JSON), so that history shows exactly what was said.
    body             LONGTEXT    NOT NULL,
    PRIMARY KEY (id),
    KEY decisions_customer (customer_id, decided_at, id),
    CONSTRAINT decisions_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id),
    CONSTRAINT decisions_body_json CHECK (JSON_VALID(body))
) ENGINE = InnoDB;
