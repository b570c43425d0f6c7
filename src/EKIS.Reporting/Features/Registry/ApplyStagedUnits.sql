-- Insert or update the staged units of one level (organisations first, so that their branches
-- find them), parents found by ЕКИС code. An update that changes nothing is dropped by the
-- org_unit_touch trigger and returns no row, so it counts as neither created nor updated.
-- Row triggers (parent check, history) fire for every row as they do for a single save.
WITH written AS (
    INSERT INTO ekis.org_unit (
        parent_id, level, ekis_code, name, short_name, kind, legal_status,
        inn, kpp, ogrn, okpo, oktmo, okfs, okopf, address, actual_address, urban,
        director, phone, email, website, status, opened_on, closed_on)
    SELECT p.id, s.level, s.ekis_code, s.name, s.short_name, s.kind, s.legal_status,
           s.inn, s.kpp, s.ogrn, s.okpo, s.oktmo, s.okfs, s.okopf, s.address, s.actual_address, s.urban,
           s.director, s.phone, s.email, s.website, s.status, s.opened_on, s.closed_on
    FROM registry_stage s
    LEFT JOIN ekis.org_unit p ON p.ekis_code = s.parent_code
    WHERE s.level = @level
    ORDER BY s.row_no
    ON CONFLICT (ekis_code) DO UPDATE SET
        parent_id = EXCLUDED.parent_id, level = EXCLUDED.level, name = EXCLUDED.name, short_name = EXCLUDED.short_name,
        kind = EXCLUDED.kind, legal_status = EXCLUDED.legal_status, inn = EXCLUDED.inn, kpp = EXCLUDED.kpp,
        ogrn = EXCLUDED.ogrn, okpo = EXCLUDED.okpo, oktmo = EXCLUDED.oktmo, okfs = EXCLUDED.okfs, okopf = EXCLUDED.okopf,
        address = EXCLUDED.address, actual_address = EXCLUDED.actual_address, urban = EXCLUDED.urban,
        director = EXCLUDED.director, phone = EXCLUDED.phone, email = EXCLUDED.email, website = EXCLUDED.website,
        status = EXCLUDED.status, opened_on = EXCLUDED.opened_on, closed_on = EXCLUDED.closed_on
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted)::int AS created, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM written;
