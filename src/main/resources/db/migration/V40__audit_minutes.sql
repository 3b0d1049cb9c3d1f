-- The first and last seq recorded in each minute of recording time (UTC, recorded_at truncated to the minute): a
-- search by time range reads its seq bounds from one row per minute instead of every index entry in the range.
-- The audit writer keeps it in the same transaction as the records it writes.
CREATE TABLE audit_minutes (
    minute  DATETIME NOT NULL PRIMARY KEY,
    min_seq BIGINT   NOT NULL,
    max_seq BIGINT   NOT NULL
);

INSERT INTO audit_minutes (minute, min_seq, max_seq)
SELECT DATE_FORMAT(recorded_at, '%Y-%m-%d %H:%i:00'), MIN(seq), MAX(seq)
  FROM audit_records
 GROUP BY DATE_FORMAT(recorded_at, '%Y-%m-%d %H:%i:00');
