-- The tree as it was on @on: for every org unit, the newest history row in force on that date
-- (effective_on <= @on; among rows in force on the same date, the last recorded). A unit whose
-- state then was "deleted", or that did not exist yet, is absent.
WITH state AS (
    SELECT DISTINCT ON (h.org_unit_id) h.org_unit_id, h.operation, h.new_row
    FROM ekis.org_unit_history h
    WHERE h.effective_on <= @on::date
    ORDER BY h.org_unit_id, h.effective_on DESC, h.id DESC
)
SELECT s.org_unit_id                         AS Id,
       (s.new_row ->> 'parent_id')::bigint   AS ParentId,
       s.new_row ->> 'level'                 AS Level,
       s.new_row ->> 'ekis_code'             AS EkisCode,
       s.new_row ->> 'name'                  AS Name,
       s.new_row ->> 'short_name'            AS ShortName,
       s.new_row ->> 'kind'                  AS Kind,
       coalesce(s.new_row ->> 'status', 'active') AS Status
FROM state s
WHERE s.operation <> 'delete'
  AND (@includeClosed OR coalesce(s.new_row ->> 'status', 'active') <> 'closed')
ORDER BY (s.new_row ->> 'level') = 'region' DESC, s.new_row ->> 'ekis_code';
