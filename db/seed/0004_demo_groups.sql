-- Demo groups (issue 4, items 4 and 7): «Гимназии и лицеи» and the exclusive urban/rural set, so
-- that the registry's group filter has something to show. Idempotent (ON CONFLICT DO NOTHING);
-- these inserts return no rows: the seed's count covers org units and accounts only.

INSERT INTO ekis.org_group_set (code, name, exclusive)
VALUES ('locality', 'Местность', true)
ON CONFLICT (code) DO NOTHING;

INSERT INTO ekis.org_group (set_id, code, name)
SELECT s.id, v.code, v.name
FROM (VALUES ('urban', 'Городские организации'), ('rural', 'Сельские организации')) AS v (code, name)
JOIN ekis.org_group_set s ON s.code = 'locality'
ON CONFLICT (code) DO NOTHING;

INSERT INTO ekis.org_group (set_id, code, name)
VALUES (NULL, 'gymnasiums-lyceums', 'Гимназии и лицеи')
ON CONFLICT (code) DO NOTHING;

INSERT INTO ekis.org_group_member (group_id, org_unit_id)
SELECT g.id, u.id
FROM ekis.org_unit u
JOIN ekis.org_group g ON g.code = 'gymnasiums-lyceums'
WHERE u.level = 'organisation' AND (u.short_name LIKE '%Гимназия%' OR u.short_name LIKE '%Лицей%')
ORDER BY u.id
ON CONFLICT DO NOTHING;

INSERT INTO ekis.org_group_member (group_id, org_unit_id)
SELECT g.id, u.id
FROM ekis.org_unit u
JOIN ekis.org_group g ON g.code = CASE WHEN u.urban THEN 'urban' ELSE 'rural' END
WHERE u.level IN ('organisation', 'branch') AND u.urban IS NOT NULL
ORDER BY u.id
ON CONFLICT DO NOTHING;
