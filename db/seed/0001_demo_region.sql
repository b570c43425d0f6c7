-- Demo region: three municipalities, schools, a kindergarten, a branch. Idempotent: every insert
-- skips rows that exist (by ЕКИС code) and returns one row per row inserted.

INSERT INTO ekis.org_unit (parent_id, level, ekis_code, name, short_name)
VALUES (NULL, 'region', 'R-DEMO', 'Демонстрационная область', 'Демо-область')
ON CONFLICT (ekis_code) DO NOTHING
RETURNING 1;

INSERT INTO ekis.org_unit (parent_id, level, ekis_code, name, short_name)
SELECT r.id, 'municipality', v.code, v.name, v.short_name
FROM (VALUES
    ('M-SEV', 'Городской округ Северный', 'ГО Северный'),
    ('M-ZAR', 'Заречный муниципальный район', 'Заречный МР'),
    ('M-OZR', 'Городской округ Озёрск', 'ГО Озёрск')
) AS v (code, name, short_name)
JOIN ekis.org_unit r ON r.ekis_code = 'R-DEMO'
ON CONFLICT (ekis_code) DO NOTHING
RETURNING 1;

INSERT INTO ekis.org_unit (parent_id, level, ekis_code, name, short_name)
SELECT m.id, 'organisation', v.code, v.name, v.short_name
FROM (VALUES
    ('M-SEV', '100001', 'Государственное бюджетное общеобразовательное учреждение «Школа № 1 городского округа Северный»', 'ГБОУ Школа № 1'),
    ('M-SEV', '100002', 'Муниципальное автономное общеобразовательное учреждение «Гимназия № 2»', 'МАОУ Гимназия № 2'),
    ('M-SEV', '100003', 'Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад № 5 «Солнышко»»', 'МБДОУ Д/с № 5'),
    ('M-ZAR', '200001', 'Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа села Заречье»', 'МБОУ СОШ с. Заречье'),
    ('M-ZAR', '200002', 'Муниципальное бюджетное учреждение дополнительного образования «Дом детского творчества»', 'МБУ ДО ДДТ'),
    ('M-OZR', '300001', 'Муниципальное бюджетное общеобразовательное учреждение «Лицей № 7 имени А. С. Пушкина»', 'МБОУ Лицей № 7'),
    ('M-OZR', '300002', 'Муниципальное бюджетное общеобразовательное учреждение «Основная общеобразовательная школа № 12»', 'МБОУ ООШ № 12')
) AS v (municipality, code, name, short_name)
JOIN ekis.org_unit m ON m.ekis_code = v.municipality
ON CONFLICT (ekis_code) DO NOTHING
RETURNING 1;

INSERT INTO ekis.org_unit (parent_id, level, ekis_code, name, short_name)
SELECT o.id, 'branch', '200001-01',
       'Филиал МБОУ СОШ с. Заречье — начальная общеобразовательная школа деревни Луговая', 'Филиал НОШ д. Луговая'
FROM ekis.org_unit o WHERE o.ekis_code = '200001'
ON CONFLICT (ekis_code) DO NOTHING
RETURNING 1;
