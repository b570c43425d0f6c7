-- Insert or update one organisation or branch by its ЕКИС code. The parent is found by code
-- (a municipality for an organisation, an organisation for a branch). An update that changes
-- nothing is dropped by the org_unit_touch trigger and then returns no row.
INSERT INTO ekis.org_unit (
    parent_id, level, ekis_code, name, short_name, kind, legal_status,
    inn, kpp, ogrn, okpo, oktmo, okfs, okopf, address, actual_address, urban,
    director, phone, email, website, status, opened_on, closed_on)
VALUES (
    (SELECT id FROM ekis.org_unit WHERE ekis_code = @ParentCode), @Level, @EkisCode, @Name, @ShortName, @Kind, @LegalStatus,
    @Inn, @Kpp, @Ogrn, @Okpo, @Oktmo, @Okfs, @Okopf, @Address, @ActualAddress, @Urban,
    @Director, @Phone, @Email, @Website, @Status, @OpenedOn::date, @ClosedOn::date)
ON CONFLICT (ekis_code) DO UPDATE SET
    parent_id = EXCLUDED.parent_id, level = EXCLUDED.level, name = EXCLUDED.name, short_name = EXCLUDED.short_name,
    kind = EXCLUDED.kind, legal_status = EXCLUDED.legal_status, inn = EXCLUDED.inn, kpp = EXCLUDED.kpp,
    ogrn = EXCLUDED.ogrn, okpo = EXCLUDED.okpo, oktmo = EXCLUDED.oktmo, okfs = EXCLUDED.okfs, okopf = EXCLUDED.okopf,
    address = EXCLUDED.address, actual_address = EXCLUDED.actual_address, urban = EXCLUDED.urban,
    director = EXCLUDED.director, phone = EXCLUDED.phone, email = EXCLUDED.email, website = EXCLUDED.website,
    status = EXCLUDED.status, opened_on = EXCLUDED.opened_on, closed_on = EXCLUDED.closed_on
RETURNING id, (xmax = 0) AS inserted;
