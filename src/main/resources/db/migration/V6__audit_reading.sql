-- Indexes for reading the audit log (GET /api/v1/audit/decisions, export, rule statistics). Pages are read newest
-- first by seq with a keyset (seq < cursor), so each equality filter gets an index ending in seq: the server walks it
-- backwards from the cursor and stops after one page, without sorting. Checked with EXPLAIN in AuditReadingIT.
CREATE INDEX audit_records_customer_seq ON audit_records (customer_id, seq);
CREATE INDEX audit_records_action_seq ON audit_records (action, seq);
CREATE INDEX audit_records_channel_seq ON audit_records (channel, seq);
CREATE INDEX audit_records_entry_point_seq ON audit_records (entry_point, seq);
CREATE INDEX audit_records_version_seq ON audit_records (rule_set_version, seq);

-- "Decisions in which this rule fired": the rule's firings in seq order, joined to their records by primary key.
CREATE INDEX audit_fired_rules_rule_seq ON audit_fired_rules (rule_name, seq);

-- Rule statistics of one rule-set version over a time range.
CREATE INDEX audit_fired_rules_version_time ON audit_fired_rules (rule_set_version, recorded_at);
