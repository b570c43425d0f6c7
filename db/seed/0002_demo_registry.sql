-- Demo registry cards: kind, legal status and identifiers with correct control digits (ИНН, ОГРН,
-- ОКПО computed by their algorithms). Idempotent: a card is filled only while its kind is empty,
-- and these UPDATEs return no rows, so the seed's "rows inserted" count is unaffected.

UPDATE ekis.org_unit o
SET kind = v.kind, legal_status = v.legal_status, inn = v.inn, kpp = v.kpp, ogrn = v.ogrn, okpo = v.okpo,
    oktmo = v.oktmo, okfs = v.okfs, okopf = v.okopf, urban = v.urban
FROM (VALUES
    ('100001', 'general', 'legal_entity', '5001100014', '500101001', '1025045000012', '41000012', '45001000', '14', '75403', true),
    ('100002', 'general', 'legal_entity', '5001100021', '500101001', '1025045000023', '41000029', '45001000', '14', '75403', true),
    ('100003', 'preschool', 'legal_entity', '5001100039', '500101001', '1025045000034', '41000035', '45001000', '14', '75403', true),
    ('200001', 'general', 'legal_entity', '5002100049', '500201001', '1025045000045', '41000041', '45002000', '14', '75403', false),
    ('200002', 'additional', 'legal_entity', '5002100056', '500201001', '1025045000056', '41000058', '45002000', '14', '75403', false),
    ('300001', 'general', 'legal_entity', '5003100066', '500301001', '1025045000067', '41000064', '45003000', '14', '75403', true),
    ('300002', 'general', 'legal_entity', '5003100073', '500301001', '1025045000078', '41000070', '45003000', '14', '75403', true),
    -- The branch shares its parent's ИНН and ОГРН, has its own КПП and a subdivision ОКПО (8 + 6 digits).
    ('200001-01', 'general', 'branch', '5002100049', '500202001', '1025045000045', '41000041000001', '45002000', '14', '75403', false)
) AS v (code, kind, legal_status, inn, kpp, ogrn, okpo, oktmo, okfs, okopf, urban)
WHERE o.ekis_code = v.code AND o.kind IS NULL;
