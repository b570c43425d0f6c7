-- 0011 Campaign scope by the tree on the period's date, set-based. ekis.covers_on (0008) answers for
-- one unit by walking up its history; campaign progress, the campaign list and the review queue ask
-- for every respondent of a campaign at once, so they read the whole tree of that date once instead
-- (one pass over ekis.org_unit_history) and walk it down from the role's unit, the same rules as
-- ekis.units_in_scope (0005), also returning the municipality each unit belonged to on that date.

-- Every org unit that existed on p_on, with its parent and level then.
CREATE FUNCTION ekis.tree_on(p_on date) RETURNS TABLE (id bigint, parent_id bigint, level text)
    LANGUAGE sql STABLE AS $$
    SELECT s.org_unit_id, s.parent_id, s.level
    FROM (
        SELECT DISTINCT ON (h.org_unit_id) h.org_unit_id, (h.new_row ->> 'parent_id')::bigint AS parent_id,
               coalesce(h.new_row ->> 'level', h.old_row ->> 'level') AS level, h.operation <> 'delete' AS existed
        FROM ekis.org_unit_history h
        WHERE h.effective_on <= p_on
        ORDER BY h.org_unit_id, h.effective_on DESC, h.id DESC
    ) s
    WHERE s.existed
$$;

-- The units a role covered on p_on and the municipality above each of them then (NULL above a
-- municipality). Directors and employees: their unit and its branches; operators: their
-- municipality's subtree; analysts: the region's; administrators: everything.
CREATE FUNCTION ekis.scope_on(p_role text, p_unit bigint, p_on date) RETURNS TABLE (id bigint, municipality_id bigint)
    LANGUAGE sql STABLE AS $$
    WITH RECURSIVE t AS MATERIALIZED (SELECT * FROM ekis.tree_on(p_on)),
    sub AS (
        SELECT t.id, CASE WHEN t.level = 'municipality' THEN t.id END AS municipality_id, 0 AS depth
        FROM t
        WHERE (p_role = 'admin' AND t.parent_id IS NULL) OR (p_role <> 'admin' AND t.id = p_unit)
        UNION ALL
        SELECT c.id, CASE WHEN c.level = 'municipality' THEN c.id ELSE sub.municipality_id END, sub.depth + 1
        FROM t c JOIN sub ON c.parent_id = sub.id
        WHERE sub.depth < 10
          AND (p_role IN ('admin', 'municipal_operator', 'regional_analyst')
               OR (p_role IN ('director', 'employee') AND c.level = 'branch'))
    )
    SELECT sub.id, sub.municipality_id FROM sub
$$;

-- A campaign's scope: the tree on its date (reference date, else due date); a respondent that did not
-- exist yet on that date (a school opened later and added to the campaign) is judged by today's tree.
CREATE FUNCTION ekis.scope_for_period(p_role text, p_unit bigint, p_on date) RETURNS TABLE (id bigint, municipality_id bigint)
    LANGUAGE sql STABLE AS $$
    WITH was AS MATERIALIZED (SELECT * FROM ekis.tree_on(p_on))
    SELECT s.id, s.municipality_id FROM ekis.scope_on(p_role, p_unit, p_on) s
    UNION ALL
    SELECT n.id, n.municipality_id FROM ekis.scope_on(p_role, p_unit, current_date) n
    WHERE NOT EXISTS (SELECT 1 FROM was WHERE was.id = n.id)
$$;
