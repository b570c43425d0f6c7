-- 0005 Accounts: people, their role assignments on org units, employees' rights, one-time password
-- links, sign-in throttling and the security audit.

CREATE TABLE ekis.app_user (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login           text        NOT NULL CHECK (login ~ '^[A-Za-z0-9._@-]{3,64}$'),
    email           text        CHECK (email IS NULL OR email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    full_name       text        NOT NULL CHECK (btrim(full_name) <> ''),
    password_hash   text,       -- NULL until the person sets a password through an invitation link
    status          text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deactivated')),
    -- Changes whenever what a signed-in cookie vouches for changes (password, deactivation):
    -- cookies carrying an older stamp are refused on their next request.
    security_stamp  uuid        NOT NULL DEFAULT gen_random_uuid(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text        NOT NULL DEFAULT ekis.current_actor(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      text        NOT NULL DEFAULT ekis.current_actor()
);
CREATE UNIQUE INDEX app_user_login_key ON ekis.app_user (lower(login));
CREATE INDEX app_user_email_idx ON ekis.app_user (lower(email));

CREATE TABLE ekis.role_assignment (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         bigint      NOT NULL REFERENCES ekis.app_user (id),
    role            text        NOT NULL CHECK (role IN ('director', 'employee', 'municipal_operator', 'regional_analyst', 'admin')),
    org_unit_id     bigint      REFERENCES ekis.org_unit (id),
    status          text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'terminated')),
    starts_on       date        NOT NULL DEFAULT current_date,
    ends_on         date,
    granted_at      timestamptz NOT NULL DEFAULT now(),
    granted_by      text        NOT NULL DEFAULT ekis.current_actor(),
    terminated_at   timestamptz,
    terminated_by   text,
    CHECK ((role = 'admin') = (org_unit_id IS NULL)),
    CHECK ((status = 'terminated') = (terminated_at IS NOT NULL)),
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX role_assignment_user_idx ON ekis.role_assignment (user_id) WHERE status = 'active';
CREATE INDEX role_assignment_unit_idx ON ekis.role_assignment (org_unit_id) WHERE status = 'active';
-- One active assignment of a role per person and unit.
CREATE UNIQUE INDEX role_assignment_active_key ON ekis.role_assignment (user_id, role, coalesce(org_unit_id, 0)) WHERE status = 'active';

-- What an employee may do with their organisation's forms (a director has both by role).
CREATE TABLE ekis.assignment_right (
    assignment_id   bigint      NOT NULL REFERENCES ekis.role_assignment (id),
    "right"         text        NOT NULL CHECK ("right" IN ('fill', 'submit')),
    granted_at      timestamptz NOT NULL DEFAULT now(),
    granted_by      text        NOT NULL DEFAULT ekis.current_actor(),
    PRIMARY KEY (assignment_id, "right")
);

-- Single-use links: password reset and invitation. Only a hash of the token is stored.
CREATE TABLE ekis.password_token (
    token_hash      bytea       PRIMARY KEY,
    user_id         bigint      NOT NULL REFERENCES ekis.app_user (id),
    purpose         text        NOT NULL CHECK (purpose IN ('reset', 'invite')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    used_at         timestamptz
);
CREATE INDEX password_token_user_idx ON ekis.password_token (user_id);

-- Failed sign-ins are counted per login text, whether or not such a login exists, so that the
-- lockout message never reveals which logins are real.
CREATE TABLE ekis.sign_in_throttle (
    login_key       text        PRIMARY KEY,
    failures        integer     NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    last_failure_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ekis.security_event (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at     timestamptz NOT NULL DEFAULT now(),
    event           text        NOT NULL,
    user_id         bigint      REFERENCES ekis.app_user (id),
    login           text,
    client_address  text,
    actor           text        NOT NULL DEFAULT coalesce(ekis.current_actor(), 'anonymous'),
    details         jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX security_event_time_idx ON ekis.security_event (occurred_at DESC);
CREATE INDEX security_event_user_idx ON ekis.security_event (user_id, occurred_at DESC);

-- The org units a role assignment covers, by the tree as it is now. Directors and employees:
-- their unit and its branches; operators: their municipality's subtree; analysts: the region's.
CREATE FUNCTION ekis.units_in_scope(p_role text, p_unit bigint) RETURNS TABLE (id bigint)
    LANGUAGE sql STABLE AS $$
    WITH RECURSIVE sub AS (
        SELECT u.id, 0 AS depth FROM ekis.org_unit u WHERE u.id = p_unit AND p_role <> 'admin'
        UNION ALL
        SELECT c.id, sub.depth + 1 FROM ekis.org_unit c JOIN sub ON c.parent_id = sub.id
        WHERE p_role IN ('municipal_operator', 'regional_analyst')
           OR (p_role IN ('director', 'employee') AND c.level = 'branch')
    )
    SELECT sub.id FROM sub
    UNION ALL
    SELECT u.id FROM ekis.org_unit u WHERE p_role = 'admin'
$$;
