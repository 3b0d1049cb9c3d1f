-- A STOP reply to a text message (a COMPLAINED contact event of kind STOP_REPLY, docs/dispatch.md) withdraws the
-- mobile number from text messages, as a hard bounce withdraws an e-mail address: decisions then see no SMS consent
-- and queued texts to it become dead letters. The withdrawal stays while the billing system keeps the same number; a
-- new number is usable again. Calls to the number are not affected (a STOP opts out of texts only).
ALTER TABLE customer_contact_details
    ADD COLUMN sms_withdrawn_at     DATETIME(6)  NULL,
    ADD COLUMN sms_withdrawn_reason VARCHAR(500) NULL;
