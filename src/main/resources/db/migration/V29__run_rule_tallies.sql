-- A run's report counts the decisions each rule shaped (docs/runs.md): rule names are longer than the 40 characters
-- the report's values had (a shipped one has 52), so the value takes up to 255; longer names are cut with an
-- ellipsis. The key stays (run, partition, dimension, value): 8 + 4 * (40 + 20 + 255) bytes, within InnoDB's limit.
ALTER TABLE run_tallies MODIFY value VARCHAR(255) NOT NULL;
