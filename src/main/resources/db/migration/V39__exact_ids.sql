-- Ids compare byte for byte (docs/facts-api.md, "Conventions"). The server's collation, utf8mb4_unicode_ci, folds
-- case and accents and ignores trailing spaces, so every id column compared that way: PUT /customers/ACME-1 after
-- PUT /customers/acme-1 replaced the first customer, "Müller" was "Muller", "Straße" was "Strasse", "A1 " was "A1",
-- an invoice could name its customer in other case, and a payment reference "PAY-1" was taken as a repeat of "pay-1".
-- From here on the billing system's ids and references, and every column that refers to them, are
-- utf8mb4_nopad_bin: equal only when their bytes are. Not utf8mb4_bin, which still ignores trailing spaces (PAD
-- SPACE). Lengths, NULL-ness, keys and foreign keys stay as they were. Free text (names, reasons, comments), codes
-- (currency, status, decline codes, payment methods), the service's own ids (decision ids, versions) and the names
-- of people and API keys keep the server's collation.
--
-- Cost: the tables whose primary key is an id (customers, invoices, customer_contact_details) are copied, the others
-- rebuild their id indexes. On the generated 100,000 customers the script took 74 s on a busy 2-core machine, about
-- 12 minutes expected for 1,000,000 (docs/benchmarks.md, "Exact ids"): upgrade a large database in a quiet hour. A run
-- under way continues over customer id ranges cut in the old order: let runs finish before upgrading.

-- 1. Rows that named what they refer to in other case or with other accents (accepted until now, because the foreign
--    key compared the same way) take the exact id of the row they refer to, so that every foreign key holds byte for
--    byte afterwards and nothing becomes unreachable. The audit log is not changed: it is append-only and chained, and
--    records the customer id of the customer row the decision was made on.
UPDATE invoices i JOIN customers c ON c.id = i.customer_id SET i.customer_id = c.id
    WHERE HEX(i.customer_id) <> HEX(c.id);
UPDATE contact_attempts a JOIN customers c ON c.id = a.customer_id SET a.customer_id = c.id
    WHERE HEX(a.customer_id) <> HEX(c.id);
UPDATE holds h JOIN customers c ON c.id = h.customer_id SET h.customer_id = c.id WHERE HEX(h.customer_id) <> HEX(c.id);
UPDATE customer_contact_details d JOIN customers c ON c.id = d.customer_id SET d.customer_id = c.id
    WHERE HEX(d.customer_id) <> HEX(c.id);
UPDATE outbox o JOIN customers c ON c.id = o.customer_id SET o.customer_id = c.id WHERE HEX(o.customer_id) <> HEX(c.id);
UPDATE run_failures f JOIN customers c ON c.id = f.customer_id SET f.customer_id = c.id
    WHERE HEX(f.customer_id) <> HEX(c.id);
UPDATE payments p JOIN invoices i ON i.id = p.invoice_id SET p.invoice_id = i.id WHERE HEX(p.invoice_id) <> HEX(i.id);
UPDATE payment_failures p JOIN invoices i ON i.id = p.invoice_id SET p.invoice_id = i.id
    WHERE HEX(p.invoice_id) <> HEX(i.id);
UPDATE holds h JOIN invoices i ON i.id = h.invoice_id SET h.invoice_id = i.id WHERE HEX(h.invoice_id) <> HEX(i.id);
UPDATE effect_payments p JOIN invoices i ON i.id = p.invoice_id SET p.invoice_id = i.id, p.customer_id = i.customer_id
    WHERE HEX(p.invoice_id) <> HEX(i.id) OR HEX(p.customer_id) <> HEX(i.customer_id);

-- 2. The columns. MariaDB refuses to change a column that a foreign key names, even with foreign_key_checks = 0
--    (error 1833), and a foreign key needs the same collation on both sides: so the foreign keys on customer and
--    invoice ids are dropped, both sides changed, and the same keys added again (their indexes stay throughout). Checks
--    are off while they are added again, which makes that a change of metadata rather than another copy of each
--    table: step 1 made every row name its customer and invoice exactly.
SET foreign_key_checks = 0;

ALTER TABLE payments DROP FOREIGN KEY payments_invoice_fk,
    MODIFY invoice_id VARCHAR(64)  COLLATE utf8mb4_nopad_bin NOT NULL,
    MODIFY reference  VARCHAR(100) COLLATE utf8mb4_nopad_bin NULL;
ALTER TABLE payment_failures DROP FOREIGN KEY payment_failures_invoice_fk,
    MODIFY invoice_id VARCHAR(64)  COLLATE utf8mb4_nopad_bin NOT NULL,
    MODIFY reference  VARCHAR(100) COLLATE utf8mb4_nopad_bin NULL;
ALTER TABLE holds DROP FOREIGN KEY holds_customer_fk, DROP FOREIGN KEY holds_invoice_fk,
    MODIFY customer_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,
    MODIFY invoice_id  VARCHAR(64) COLLATE utf8mb4_nopad_bin NULL;
ALTER TABLE contact_attempts DROP FOREIGN KEY contact_attempts_customer_fk,
    MODIFY customer_id VARCHAR(64)  COLLATE utf8mb4_nopad_bin NOT NULL,
    MODIFY reference   VARCHAR(100) COLLATE utf8mb4_nopad_bin NULL;
ALTER TABLE customer_contact_details DROP FOREIGN KEY contact_details_customer_fk,
    MODIFY customer_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL;
ALTER TABLE outbox DROP FOREIGN KEY outbox_customer_fk,
    MODIFY customer_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL;
ALTER TABLE invoices DROP FOREIGN KEY invoices_customer_fk,
    MODIFY id          VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,
    MODIFY customer_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL;
ALTER TABLE customers MODIFY id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL;

ALTER TABLE audit_records MODIFY customer_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL;
ALTER TABLE run_failures MODIFY customer_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL;
ALTER TABLE effect_decisions MODIFY customer_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL;
ALTER TABLE effect_decision_invoices MODIFY invoice_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL;
ALTER TABLE effect_payments
    MODIFY invoice_id  VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,
    MODIFY customer_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL;

ALTER TABLE invoices ADD CONSTRAINT invoices_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
ALTER TABLE payments ADD CONSTRAINT payments_invoice_fk FOREIGN KEY (invoice_id) REFERENCES invoices (id);
ALTER TABLE payment_failures
    ADD CONSTRAINT payment_failures_invoice_fk FOREIGN KEY (invoice_id) REFERENCES invoices (id);
ALTER TABLE holds ADD CONSTRAINT holds_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id),
    ADD CONSTRAINT holds_invoice_fk FOREIGN KEY (invoice_id) REFERENCES invoices (id);
ALTER TABLE contact_attempts
    ADD CONSTRAINT contact_attempts_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
ALTER TABLE customer_contact_details
    ADD CONSTRAINT contact_details_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
ALTER TABLE outbox ADD CONSTRAINT outbox_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);

SET foreign_key_checks = 1;
