-- The audit search by policy reference (ESC-C2) first reads which rules carried the reference, under every version,
-- and whether their names carried another one under some other version, from audit_rules (one row per version and
-- rule). These indexes make that two lookups rather than scans of a table that grows with every version activated.
-- The search itself then walks audit_firings by (name_id, seq), as the search by rule name does.
CREATE INDEX audit_rules_policy ON audit_rules (policy);
CREATE INDEX audit_rules_name ON audit_rules (name_id);
