-- Group memberships of the staged units that carry a groups column: the listed groups replace the
-- unit's memberships (each change is audited by the org_group_member_audit trigger).
DELETE FROM ekis.org_group_member gm
USING registry_stage s, ekis.org_unit o, ekis.org_group g
WHERE s.has_groups AND o.ekis_code = s.ekis_code AND gm.org_unit_id = o.id AND g.id = gm.group_id
  AND NOT (lower(g.code) = ANY (s.groups));

INSERT INTO ekis.org_group_member (group_id, org_unit_id)
SELECT g.id, o.id
FROM registry_stage s
JOIN ekis.org_unit o ON o.ekis_code = s.ekis_code
JOIN ekis.org_group g ON lower(g.code) = ANY (s.groups)
WHERE s.has_groups
ON CONFLICT DO NOTHING;
