-- The tree as it was on @on: for every org unit, the newest history row in force on that date
-- (effective_on <= @on; among rows in force on the same date, the last recorded). A unit whose
-- state then was "deleted", or that did not exist yet, is absent. The parent is taken from the newest
-- row in force that set it (the insert or a move), so a move recorded later with an earlier date is
-- not undone by an unrelated change (a phone number) recorded before it (0013).
WITH parent AS (
    SELECT DISTINCT ON (h.org_unit_id) h.org_unit_id, (h.new_row ->> 'parent_id')::bigint AS parent_id
    FROM ekis.org_unit_history h
    WHERE h.effective_on <= @on::date AND h.operation <> 'delete'
      AND (h.operation = 'insert' OR h.old_row -> 'parent_id' IS DISTINCT FROM h.new_row -> 'parent_id')
    ORDER BY h.org_unit_id, h.effective_on DESC, h.id DESC
),
state AS (
    SELECT DISTINCT ON (h.org_unit_id) h.org_unit_id, h.operation, h.new_row
    FROM ekis.org_unit_history h
    WHERE h.effective_on <= @on::date
    ORDER BY h.org_unit_id, h.effective_on DESC, h.id DESC
)
SELECT s.org_unit_id                         AS Id,
       p.parent_id                           AS ParentId,
       s.new_row ->> 'level'                 AS Level,
       s.new_row ->> 'ekis_code'             AS EkisCode,
       s.new_row ->> 'name'                  AS Name,
       s.new_row ->> 'short_name'            AS ShortName,
       s.new_row ->> 'kind'                  AS Kind,
       coalesce(s.new_row ->> 'status', 'active') AS Status
FROM state s
LEFT JOIN parent p ON p.org_unit_id = s.org_unit_id
WHERE s.operation <> 'delete'
  AND (@includeClosed OR coalesce(s.new_row ->> 'status', 'active') <> 'closed')
ORDER BY (s.new_row ->> 'level') = 'region' DESC, s.new_row ->> 'ekis_code';
