-- Demo accounts, one per role, all with the password «Demo2026!» (listed in the README and in the
-- start-up log of the embedded default). Never load the demo into a real installation.

INSERT INTO ekis.app_user (login, full_name, email, password_hash)
SELECT v.login, v.full_name, v.email, 'AQAAAAIAAYagAAAAEO0gatX10RB1XkmQxUfTuYn2KEkDJ85ysN5C5bGRM+Atw20oi06sH93Oo2e+7OtK8w=='
FROM (VALUES
    ('admin',    'Администратор системы',          'admin@demo.ekis.local'),
    ('analyst',  'Соколова Марина Викторовна',     'analyst@demo.ekis.local'),
    ('operator', 'Петров Алексей Николаевич',      'operator@demo.ekis.local'),
    ('director', 'Иванова Ольга Сергеевна',        'director@demo.ekis.local'),
    ('teacher',  'Кузнецова Анна Павловна',        'teacher@demo.ekis.local'),
    ('director7','Смирнов Дмитрий Игоревич',       'director7@demo.ekis.local')
) AS v (login, full_name, email)
WHERE NOT EXISTS (SELECT 1 FROM ekis.app_user u WHERE lower(u.login) = v.login)
RETURNING 1;

INSERT INTO ekis.role_assignment (user_id, role, org_unit_id)
SELECT u.id, v.role, o.id
FROM (VALUES
    ('admin',     'admin',              NULL),
    ('analyst',   'regional_analyst',   'R-DEMO'),
    ('operator',  'municipal_operator', 'M-SEV'),
    ('director',  'director',           '100001'),
    ('teacher',   'employee',           '100001'),
    ('director7', 'director',           '300001')
) AS v (login, role, unit)
JOIN ekis.app_user u ON lower(u.login) = v.login
LEFT JOIN ekis.org_unit o ON o.ekis_code = v.unit
WHERE (v.unit IS NULL) = (o.id IS NULL)
  AND NOT EXISTS (SELECT 1 FROM ekis.role_assignment a WHERE a.user_id = u.id AND a.role = v.role AND a.status = 'active')
RETURNING 1;

INSERT INTO ekis.assignment_right (assignment_id, "right")
SELECT a.id, 'fill'
FROM ekis.role_assignment a JOIN ekis.app_user u ON u.id = a.user_id
WHERE u.login = 'teacher' AND a.role = 'employee' AND a.status = 'active'
ON CONFLICT DO NOTHING
RETURNING 1;
