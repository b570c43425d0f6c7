-- 0008 Scope by the tree as it was on a date. A report is judged by the hierarchy on its reference
-- date, so moving a school to another municipality does not take its past reports away from the
-- municipality that accepted them. Reads ekis.org_unit_history (0002).

-- The state of one org unit on a date: its parent and level then, and whether it existed.
CREATE FUNCTION ekis.org_unit_state_on(p_id bigint, p_on date)
    RETURNS TABLE (parent_id bigint, level text, existed boolean)
    LANGUAGE sql STABLE AS $$
    SELECT (h.new_row ->> 'parent_id')::bigint, coalesce(h.new_row ->> 'level', h.old_row ->> 'level'), h.operation <> 'delete'
    FROM ekis.org_unit_history h
    WHERE h.org_unit_id = p_id AND h.effective_on <= p_on
    ORDER BY h.effective_on DESC, h.id DESC
    LIMIT 1
$$;

-- Does a role assignment on p_unit cover p_target on p_on? Walks up from the target through the
-- tree of that date (a few index lookups), with the same rules as ekis.units_in_scope.
CREATE FUNCTION ekis.covers_on(p_role text, p_unit bigint, p_target bigint, p_on date) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    WITH RECURSIVE up AS (
        SELECT p_target AS id, s.parent_id, s.level, 0 AS depth
        FROM ekis.org_unit_state_on(p_target, p_on) s WHERE s.existed
        UNION ALL
        SELECT up.parent_id, s.parent_id, s.level, up.depth + 1
        FROM up, LATERAL ekis.org_unit_state_on(up.parent_id, p_on) s
        WHERE up.parent_id IS NOT NULL AND s.existed AND up.depth < 10
    )
    SELECT CASE
        WHEN p_role = 'admin' THEN EXISTS (SELECT 1 FROM up)
        WHEN p_role IN ('municipal_operator', 'regional_analyst') THEN EXISTS (SELECT 1 FROM up WHERE up.id = p_unit)
        WHEN p_role IN ('director', 'employee') THEN EXISTS (
            SELECT 1 FROM up
            WHERE up.id = p_unit
              AND (up.depth = 0 OR (up.depth = 1 AND (SELECT u0.level FROM up u0 WHERE u0.depth = 0) = 'branch')))
        ELSE false
    END
$$;
