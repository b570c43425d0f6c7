-- 0011 Campaign scope by the tree on the period's date: who covers a respondent (ekis.covers_for_period)
-- and which municipality it belonged to (ekis.municipality_on), so campaign progress groups a school
-- under the municipality responsible for that period's report, the same tree ekis.covers_on (0008) walks.

CREATE FUNCTION ekis.municipality_on(p_id bigint, p_on date) RETURNS bigint
    LANGUAGE sql STABLE AS $$
    WITH RECURSIVE up AS (
        SELECT p_id AS id, s.parent_id, s.level, 0 AS depth
        FROM ekis.org_unit_state_on(p_id, p_on) s WHERE s.existed
        UNION ALL
        SELECT up.parent_id, s.parent_id, s.level, up.depth + 1
        FROM up, LATERAL ekis.org_unit_state_on(up.parent_id, p_on) s
        WHERE up.parent_id IS NOT NULL AND s.existed AND up.depth < 10
    )
    SELECT id FROM up WHERE level = 'municipality' ORDER BY depth LIMIT 1
$$;

COMMENT ON FUNCTION ekis.municipality_on(bigint, date) IS
    'The municipality above an organisation or branch by the tree as it was on a date; NULL when the unit did not exist then.';

-- Whether a role covers a campaign respondent for a period: by the tree on the period's date
-- (ekis.covers_on); a respondent that did not exist yet on that date (a school opened later and
-- added to the campaign) is judged by the tree as it is today.
CREATE FUNCTION ekis.covers_for_period(p_role text, p_unit bigint, p_target bigint, p_on date) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN EXISTS (SELECT 1 FROM ekis.org_unit_state_on(p_target, p_on) s WHERE s.existed)
            THEN ekis.covers_on(p_role, p_unit, p_target, p_on)
        ELSE ekis.covers_on(p_role, p_unit, p_target, current_date)
    END
$$;
