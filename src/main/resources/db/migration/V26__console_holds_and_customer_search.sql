-- The console (issue 18, screen 5): people add and end holds, so a hold records who did each, as the audit log records
-- who asked for a decision (the API key's name, or the signed-in person's). Null on holds written before this.
ALTER TABLE holds
    ADD COLUMN created_by VARCHAR(200) NULL AFTER created_at,
    ADD COLUMN ended_by   VARCHAR(200) NULL AFTER ended_at;

-- The console's customer search by the start of a name reads this index, not every customer.
CREATE INDEX customers_name ON customers (name, id);
