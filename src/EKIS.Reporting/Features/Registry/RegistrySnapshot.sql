-- The registry as it is now, one row per org unit, every card field as text in the canonical
-- import/export form (dates ISO, urban as 'urban'/'rural', groups as comma-separated codes).
-- The import plans against it; the export writes it.
-- @codes NULL: the whole registry. Otherwise only what planning a save of those codes needs (a
-- single card): the region and municipalities, the units with those codes and their current
-- parents, their branches, and every unit that shares an ИНН or ОКПО with them, with @inns or with
-- @okpos (the uniqueness rules compare only such units).
WITH named AS (
    SELECT id, parent_id, inn, okpo FROM ekis.org_unit WHERE ekis_code = ANY (@codes)
), named_and_parents AS (
    SELECT id, inn, okpo FROM named
    UNION
    SELECT p.id, p.inn, p.okpo FROM named n JOIN ekis.org_unit p ON p.id = n.parent_id
), wanted AS (
    SELECT id FROM ekis.org_unit WHERE level IN ('region', 'municipality')
    UNION
    SELECT id FROM named_and_parents
    UNION
    SELECT c.id FROM ekis.org_unit c JOIN named_and_parents n ON c.parent_id = n.id WHERE c.level = 'branch'
    UNION
    SELECT id FROM ekis.org_unit
    WHERE inn = ANY (@inns || ARRAY(SELECT inn FROM named_and_parents WHERE inn IS NOT NULL))
    UNION
    SELECT id FROM ekis.org_unit
    WHERE level IN ('organisation', 'branch')
      AND okpo = ANY (@okpos || ARRAY(SELECT okpo FROM named_and_parents WHERE okpo IS NOT NULL))
)
SELECT u.id,
       u.level,
       u.ekis_code,
       u.name,
       u.short_name,
       u.kind,
       u.legal_status,
       CASE WHEN p.level = 'organisation' THEN p.ekis_code END AS parent_ekis_code,
       CASE WHEN p.level = 'municipality' THEN p.ekis_code
            WHEN p.level = 'organisation' THEN gp.ekis_code END AS municipality,
       u.inn, u.kpp, u.ogrn, u.okpo, u.oktmo, u.okfs, u.okopf,
       u.address, u.actual_address,
       CASE u.urban WHEN true THEN 'urban' WHEN false THEN 'rural' END AS urban,
       u.director, u.phone, u.email, u.website,
       u.status,
       to_char(u.opened_on, 'YYYY-MM-DD') AS opened_on,
       to_char(u.closed_on, 'YYYY-MM-DD') AS closed_on,
       (SELECT string_agg(g.code, ',' ORDER BY g.code)
        FROM ekis.org_group_member gm JOIN ekis.org_group g ON g.id = gm.group_id
        WHERE gm.org_unit_id = u.id) AS groups,
       m.name AS municipality_name
FROM ekis.org_unit u
LEFT JOIN ekis.org_unit p ON p.id = u.parent_id
LEFT JOIN ekis.org_unit gp ON gp.id = p.parent_id
LEFT JOIN ekis.org_unit m ON m.id = CASE WHEN p.level = 'municipality' THEN p.id ELSE gp.id END
WHERE @codes::text[] IS NULL OR u.id IN (SELECT id FROM wanted)
ORDER BY m.name NULLS FIRST,
         coalesce(CASE WHEN p.level = 'organisation' THEN p.ekis_code END, u.ekis_code),
         (p.level = 'organisation') NULLS FIRST,
         u.ekis_code;
