-- A VALIDATED event names every file of the upload with its SHA-256 hash (about a hundred characters a file): the
-- detail of a zip of a whole rule set no longer fits 2,000 characters, and a record cut short is no record.
ALTER TABLE rule_set_events MODIFY detail TEXT NULL;
