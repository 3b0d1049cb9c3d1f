-- What a reviewer needs to judge a stored simulation without opening its result (docs/rule-sets.md "Simulation",
-- docs/console.md "Reviews (four eyes)"): the filters it was started with, the version in force it was compared
-- against and its counts, in columns, so that a version's simulations can be listed newest first without reading
-- and unpacking every result. Jobs stored before this migration have them NULL (shown as not recorded); the result
-- of a finished one still holds the version it was compared against and its counts.
ALTER TABLE rule_set_simulations
    -- the filters: the instant decided as of (NULL: when it ran), how many customer ids were named (NULL: none),
    -- the segment and the country (NULL: all)
    ADD COLUMN as_of        DATETIME(6) NULL,
    ADD COLUMN named_customers INT      NULL,
    ADD COLUMN segment      VARCHAR(20) NULL,
    ADD COLUMN country      VARCHAR(8)  NULL,
    -- set when it finishes: the version in force it was compared against, and the result's counts
    ADD COLUMN active       CHAR(64)    NULL,
    ADD COLUMN customers    BIGINT      NULL,
    ADD COLUMN changed      BIGINT      NULL,
    ADD COLUMN failed_count BIGINT      NULL,
    ADD KEY rule_set_simulations_candidate (candidate, started_at);
