-- A champion/challenger test is approved through the four-eyes queue of rule sets (rule_set_reviews, kind
-- CHALLENGER_TEST, detail = the test's id) since this version. A test proposed before and still waiting gets its
-- request here, judged against the champion it was proposed against, so that it can be approved the new way.
INSERT INTO rule_set_reviews (version, kind, detail, requested_by, requested_at, comment, active_at_request, state,
                              pending_key)
SELECT challenger_version, 'CHALLENGER_TEST', CAST(id AS CHAR), proposed_by, proposed_at,
       CONCAT('Champion/challenger test ', id, ': ', CAST(share_bp / 100 AS DECIMAL(5, 2)), ' % of customers decided by ',
              LEFT(challenger_version, 12), ' against the champion ', LEFT(champion_version, 12),
              IFNULL(CONCAT(': ', comment), '')),
       champion_version, 'PENDING', CONCAT(challenger_version, ':CHALLENGER_TEST')
FROM challenger_tests
WHERE status = 'PROPOSED';
