-- A larger demo region (issue 4, item 9): ten more municipalities (numbers 41–50), thirty
-- organisations in each (every kind: schools, gymnasiums and lyceums, kindergartens, additional
-- education, colleges, other), five of them with a branch. Every identifier is generated from the
-- municipality's number and the organisation's number, with its control digit computed by the
-- real algorithm, so all of them are valid and unique:
--   organisation code  m·10000 + n          (410001 … 500030; branches add "-01")
--   ИНН   50 m 2 nnnn + control             (tax office 50mm)
--   КПП   50 m 01 nnn (branch: 50 m 43 nnn, 43 = registration of a branch)
--   ОГРН  1 03 50 m nnnnn + control (mod 11)
--   ОКПО  5 m nnnn + control (with the second pass); a branch: parent's ОКПО + 000001
--   ОКТМО 46 0mm 000 (municipality), + 3 digits of the settlement for each respondent
-- Idempotent like every seed: inserts skip existing ЕКИС codes and return one row per row inserted.
-- The helper functions live in pg_temp, so nothing is left in the schema.

CREATE OR REPLACE FUNCTION pg_temp.demo_inn10(body text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
    SELECT body || (sum(substr(body, i, 1)::int * (ARRAY[2, 4, 10, 3, 5, 9, 4, 6, 8])[i]) % 11 % 10)::text
    FROM generate_series(1, 9) AS i
$$;

CREATE OR REPLACE FUNCTION pg_temp.demo_ogrn(body text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
    SELECT body || (body::bigint % 11 % 10)::text
$$;

-- ОКПО: weights 1, 2, 3…; when the remainder is 10, again with weights 3, 4, 5…; 10 again gives 0.
CREATE OR REPLACE FUNCTION pg_temp.demo_okpo(body text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
    SELECT body || (CASE WHEN s.a % 11 < 10 THEN s.a % 11 WHEN s.b % 11 < 10 THEN s.b % 11 ELSE 0 END)::text
    FROM (SELECT sum(substr(body, i, 1)::int * i) AS a, sum(substr(body, i, 1)::int * (i + 2)) AS b
          FROM generate_series(1, length(body)) AS i) AS s
$$;

CREATE TEMP TABLE IF NOT EXISTS demo_municipality (
    m int PRIMARY KEY, code text, name text, short_name text, town text, urban boolean
) ON COMMIT DROP;
TRUNCATE demo_municipality;
INSERT INTO demo_municipality VALUES
    (41, 'M-BER', 'Берёзовский муниципальный округ', 'Берёзовский МО', 'пгт Берёзовка', false),
    (42, 'M-KRG', 'Городской округ Красногорье', 'ГО Красногорье', 'г. Красногорье', true),
    (43, 'M-LES', 'Лесной муниципальный район', 'Лесной МР', 'с. Лесное', false),
    (44, 'M-PRI', 'Приозёрный муниципальный район', 'Приозёрный МР', 'пгт Приозёрный', false),
    (45, 'M-SOS', 'Сосновский муниципальный округ', 'Сосновский МО', 'с. Сосновка', false),
    (46, 'M-STP', 'Степной муниципальный район', 'Степной МР', 'с. Степное', false),
    (47, 'M-GOR', 'Городской округ Горный', 'ГО Горный', 'г. Горный', true),
    (48, 'M-RCH', 'Речной муниципальный округ', 'Речной МО', 'пгт Речной', false),
    (49, 'M-DUB', 'Дубравинский муниципальный район', 'Дубравинский МР', 'с. Дубрава', false),
    (50, 'M-ZVZ', 'Городской округ Звёздный', 'ГО Звёздный', 'г. Звёздный', true);

INSERT INTO ekis.org_unit (parent_id, level, ekis_code, name, short_name, oktmo)
SELECT r.id, 'municipality', d.code, d.name, d.short_name, '46' || lpad(d.m::text, 3, '0') || '000'
FROM demo_municipality d
JOIN ekis.org_unit r ON r.ekis_code = 'R-DEMO'
ORDER BY d.m
ON CONFLICT (ekis_code) DO NOTHING
RETURNING 1;

-- One row per organisation with everything derived from (m, n).
CREATE TEMP TABLE IF NOT EXISTS demo_org (
    m int, n int, code text, kind text, name text, short_name text, inn text, kpp text, ogrn text,
    okpo text, oktmo text, okfs text, okopf text, address text, urban boolean, director text,
    phone text, email text, website text, status text, opened_on date, closed_on date
) ON COMMIT DROP;
TRUNCATE demo_org;
INSERT INTO demo_org
SELECT d.m, g.n,
       (d.m * 10000 + g.n)::text,
       k.kind, k.name, k.short_name,
       pg_temp.demo_inn10('50' || d.m || '2' || lpad(g.n::text, 4, '0')),
       '50' || d.m || '01' || lpad(g.n::text, 3, '0'),
       pg_temp.demo_ogrn('10350' || d.m || lpad(g.n::text, 5, '0')),
       pg_temp.demo_okpo('5' || d.m || lpad(g.n::text, 4, '0')),
       '46' || lpad(d.m::text, 3, '0') || '000' || lpad(g.n::text, 3, '0'),
       k.okfs, k.okopf,
       'Демонстрационная область, ' || d.town || ', ул. '
           || (ARRAY['Ленина', 'Школьная', 'Садовая', 'Молодёжная', 'Центральная', 'Мира', 'Советская', 'Лесная', 'Набережная', 'Полевая'])[g.n % 10 + 1]
           || ', д. ' || (g.n * 3 % 47 + 1),
       d.urban,
       CASE WHEN (d.m + g.n) % 3 = 0
            THEN (ARRAY['Иванов', 'Петров', 'Смирнов', 'Кузнецов', 'Попов', 'Васильев', 'Соколов', 'Михайлов', 'Новиков', 'Фёдоров', 'Морозов', 'Волков', 'Алексеев'])[(d.m * 7 + g.n) % 13 + 1]
                 || ' ' || (ARRAY['Александр', 'Сергей', 'Андрей', 'Дмитрий', 'Алексей', 'Михаил', 'Владимир', 'Николай', 'Игорь'])[(d.m + g.n * 5) % 9 + 1]
                 || ' ' || (ARRAY['Александрович', 'Сергеевич', 'Иванович', 'Петрович', 'Викторович', 'Николаевич', 'Юрьевич'])[(d.m * 3 + g.n) % 7 + 1]
            ELSE (ARRAY['Иванова', 'Петрова', 'Смирнова', 'Кузнецова', 'Попова', 'Васильева', 'Соколова', 'Михайлова', 'Новикова', 'Фёдорова', 'Морозова', 'Волкова', 'Алексеева'])[(d.m * 7 + g.n) % 13 + 1]
                 || ' ' || (ARRAY['Елена', 'Ольга', 'Наталья', 'Татьяна', 'Ирина', 'Светлана', 'Марина', 'Галина', 'Анна', 'Людмила'])[(d.m + g.n * 5) % 10 + 1]
                 || ' ' || (ARRAY['Александровна', 'Сергеевна', 'Ивановна', 'Петровна', 'Викторовна', 'Николаевна', 'Юрьевна'])[(d.m * 3 + g.n) % 7 + 1]
       END,
       '+7 (4' || d.m || ') 5' || lpad(g.n::text, 2, '0') || '-' || lpad((d.m * g.n % 100)::text, 2, '0') || '-' || lpad(((d.m + g.n) * 7 % 100)::text, 2, '0'),
       'oo' || (d.m * 10000 + g.n) || '@demo-edu.example',
       'https://oo' || (d.m * 10000 + g.n) || '.demo-edu.example',
       CASE g.n WHEN 30 THEN 'closed' WHEN 29 THEN 'reorganising' ELSE 'active' END,
       date '1955-09-01' + ((d.m * 131 + g.n * 977) % 24000),
       CASE g.n WHEN 30 THEN date '2025-08-31' END
FROM demo_municipality d
CROSS JOIN generate_series(1, 30) AS g (n)
CROSS JOIN LATERAL (
    SELECT * FROM (VALUES
        (0, 'general', 'Муниципальное бюджетное общеобразовательное учреждение «Гимназия № ' || g.n || '»', 'МБОУ Гимназия № ' || g.n, '14', '75403'),
        (1, 'general', 'Муниципальное автономное общеобразовательное учреждение «Лицей № ' || g.n || '»', 'МАОУ Лицей № ' || g.n, '14', '75401'),
        (2, 'general', 'Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № ' || g.n || '»', 'МБОУ СОШ № ' || g.n, '14', '75403'),
        (3, 'general', 'Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № ' || g.n || '»', 'МБОУ СОШ № ' || g.n, '14', '75403'),
        (4, 'general', 'Муниципальное казённое общеобразовательное учреждение «Основная общеобразовательная школа № ' || g.n || '»', 'МКОУ ООШ № ' || g.n, '14', '75404'),
        (5, 'preschool', 'Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад № ' || g.n || '»', 'МБДОУ Д/с № ' || g.n, '14', '75403'),
        (6, 'preschool', 'Муниципальное автономное дошкольное образовательное учреждение «Детский сад № ' || g.n || ' комбинированного вида»', 'МАДОУ Д/с № ' || g.n, '14', '75401'),
        (7, 'additional', 'Муниципальное бюджетное учреждение дополнительного образования «Центр детского творчества № ' || g.n || '»', 'МБУ ДО ЦДТ № ' || g.n, '14', '75403'),
        (8, 'vocational', 'Государственное бюджетное профессиональное образовательное учреждение «Колледж № ' || g.n || '»', 'ГБПОУ Колледж № ' || g.n, '13', '75203'),
        (9, 'other', 'Муниципальное казённое учреждение «Центр психолого-педагогической, медицинской и социальной помощи № ' || g.n || '»', 'МКУ ЦППМСП № ' || g.n, '14', '75404')
    ) AS v (r, kind, name, short_name, okfs, okopf)
    WHERE v.r = g.n % 10
) AS k;

INSERT INTO ekis.org_unit (parent_id, level, ekis_code, name, short_name, kind, legal_status, inn, kpp, ogrn,
                           okpo, oktmo, okfs, okopf, address, actual_address, urban, director, phone, email,
                           website, status, opened_on, closed_on)
SELECT mu.id, 'organisation', o.code, o.name, o.short_name, o.kind, 'legal_entity', o.inn, o.kpp, o.ogrn,
       o.okpo, o.oktmo, o.okfs, o.okopf, o.address, o.address, o.urban, o.director, o.phone, o.email,
       o.website, o.status, o.opened_on, o.closed_on
FROM demo_org o
JOIN demo_municipality d ON d.m = o.m
JOIN ekis.org_unit mu ON mu.ekis_code = d.code
ORDER BY o.m, o.n
ON CONFLICT (ekis_code) DO NOTHING
RETURNING 1;

-- Branches of organisations 3, 9, 15, 21 and 27 of each municipality (a general school, a lyceum,
-- a kindergarten, a centre of additional education, a centre of other kind): the parent's ИНН and
-- ОГРН, an own КПП (reason 43) and a subdivision ОКПО (parent's 8 digits + 6).
INSERT INTO ekis.org_unit (parent_id, level, ekis_code, name, short_name, kind, legal_status, inn, kpp, ogrn,
                           okpo, oktmo, okfs, okopf, address, actual_address, urban, director, phone, email,
                           website, status, opened_on)
SELECT p.id, 'branch', o.code || '-01',
       'Филиал ' || o.short_name || ' в деревне ' || (ARRAY['Луговая', 'Ключи', 'Озерки', 'Малиновка', 'Ясная Поляна'])[o.n / 6 + 1],
       'Филиал ' || o.short_name || ' д. ' || (ARRAY['Луговая', 'Ключи', 'Озерки', 'Малиновка', 'Ясная Поляна'])[o.n / 6 + 1],
       o.kind, 'branch', o.inn, '50' || o.m || '43' || lpad(o.n::text, 3, '0'), o.ogrn,
       o.okpo || '000001', '46' || lpad(o.m::text, 3, '0') || '000' || lpad((100 + o.n)::text, 3, '0'),
       o.okfs, o.okopf,
       'Демонстрационная область, д. ' || (ARRAY['Луговая', 'Ключи', 'Озерки', 'Малиновка', 'Ясная Поляна'])[o.n / 6 + 1] || ', ул. Школьная, д. 1',
       'Демонстрационная область, д. ' || (ARRAY['Луговая', 'Ключи', 'Озерки', 'Малиновка', 'Ясная Поляна'])[o.n / 6 + 1] || ', ул. Школьная, д. 1',
       false, o.director, o.phone, 'filial' || o.code || '@demo-edu.example', o.website, 'active', o.opened_on + 3650
FROM demo_org o
JOIN ekis.org_unit p ON p.ekis_code = o.code
WHERE o.n % 6 = 3
ORDER BY o.m, o.n
ON CONFLICT (ekis_code) DO NOTHING
RETURNING 1;
