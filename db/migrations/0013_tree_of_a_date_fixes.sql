-- 0013 Two fixes to reading the tree of a date (found in review). First: a respondent that did not
-- exist on a campaign's date (a school opened later and added to the
-- campaign) is judged by today's tree, as ekis.scope_for_period (0011) already does for lists.
-- Without this, ekis.covers_on answered false for everyone, so such a school could neither start
-- nor open the report that progress counts as expected.

ALTER FUNCTION ekis.covers_on(text, bigint, bigint, date) RENAME TO covers_on_tree;

CREATE FUNCTION ekis.covers_on(p_role text, p_unit bigint, p_target bigint, p_on date) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN EXISTS (SELECT 1 FROM ekis.org_unit_state_on(p_target, p_on) s WHERE s.existed)
            THEN ekis.covers_on_tree(p_role, p_unit, p_target, p_on)
        ELSE EXISTS (SELECT 1 FROM ekis.units_in_scope(p_role, p_unit) s WHERE s.id = p_target)
    END
$$;

-- A unit's parent on a date is the one set by the newest row in force that set it (its insert or a
-- move), not whatever the newest row of any kind carries: a move recorded later with an earlier date
-- (say 1 September, entered in November) must not be undone on dates after an unrelated change that
-- was recorded before it (a phone number on 1 October, whose row still names the old parent).
CREATE OR REPLACE FUNCTION ekis.org_unit_state_on(p_id bigint, p_on date)
    RETURNS TABLE (parent_id bigint, level text, existed boolean)
    LANGUAGE sql STABLE AS $$
    SELECT (SELECT (p.new_row ->> 'parent_id')::bigint
            FROM ekis.org_unit_history p
            WHERE p.org_unit_id = p_id AND p.effective_on <= p_on AND p.operation <> 'delete'
              AND (p.operation = 'insert' OR p.old_row -> 'parent_id' IS DISTINCT FROM p.new_row -> 'parent_id')
            ORDER BY p.effective_on DESC, p.id DESC
            LIMIT 1),
           coalesce(h.new_row ->> 'level', h.old_row ->> 'level'), h.operation <> 'delete'
    FROM ekis.org_unit_history h
    WHERE h.org_unit_id = p_id AND h.effective_on <= p_on
    ORDER BY h.effective_on DESC, h.id DESC
    LIMIT 1
$$;

CREATE OR REPLACE FUNCTION ekis.tree_on(p_on date) RETURNS TABLE (id bigint, parent_id bigint, level text)
    LANGUAGE sql STABLE AS $$
    SELECT s.org_unit_id, p.parent_id, s.level
    FROM (
        SELECT DISTINCT ON (h.org_unit_id) h.org_unit_id,
               coalesce(h.new_row ->> 'level', h.old_row ->> 'level') AS level, h.operation <> 'delete' AS existed
        FROM ekis.org_unit_history h
        WHERE h.effective_on <= p_on
        ORDER BY h.org_unit_id, h.effective_on DESC, h.id DESC
    ) s
    LEFT JOIN (
        SELECT DISTINCT ON (h.org_unit_id) h.org_unit_id, (h.new_row ->> 'parent_id')::bigint AS parent_id
        FROM ekis.org_unit_history h
        WHERE h.effective_on <= p_on AND h.operation <> 'delete'
          AND (h.operation = 'insert' OR h.old_row -> 'parent_id' IS DISTINCT FROM h.new_row -> 'parent_id')
        ORDER BY h.org_unit_id, h.effective_on DESC, h.id DESC
    ) p ON p.org_unit_id = s.org_unit_id
    WHERE s.existed
$$;
