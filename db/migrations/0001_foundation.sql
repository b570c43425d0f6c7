-- 0001 Foundation: audit trail, the organisation tree's first shape, job diagnostics.
-- Every "who" column defaults to the transaction's actor (set by DbExtensions.BeginAsAsync via
-- set_config('ekis.actor', ..., true)) and refuses NULL: a change without an author fails.

CREATE SCHEMA IF NOT EXISTS ekis;

CREATE FUNCTION ekis.current_actor() RETURNS text
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('ekis.actor', true), '') $$;

COMMENT ON FUNCTION ekis.current_actor() IS
    'Author of the current transaction (user:<id> or system:<name>), NULL when none was set.';

CREATE TABLE ekis.audit_event (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    actor       text        NOT NULL DEFAULT ekis.current_actor(),
    action      text        NOT NULL,
    entity      text        NOT NULL,
    entity_id   text,
    details     jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_event_entity_idx ON ekis.audit_event (entity, entity_id, occurred_at);
CREATE INDEX audit_event_time_idx ON ekis.audit_event (occurred_at);

-- The organisation tree: region -> municipality -> organisation -> branch. The registry issue
-- extends it with the organisation card, identifiers and history.
CREATE TABLE ekis.org_unit (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id   bigint REFERENCES ekis.org_unit (id),
    level       text   NOT NULL CHECK (level IN ('region', 'municipality', 'organisation', 'branch')),
    ekis_code   text   NOT NULL UNIQUE,
    name        text   NOT NULL CHECK (btrim(name) <> ''),
    short_name  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text        NOT NULL DEFAULT ekis.current_actor(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text        NOT NULL DEFAULT ekis.current_actor(),
    CHECK ((level = 'region') = (parent_id IS NULL))
);
CREATE INDEX org_unit_parent_idx ON ekis.org_unit (parent_id);

-- Diagnostics: a job that records where it ran proves that enqueued work reaches a worker.
CREATE TABLE ekis.job_probe (
    token        uuid PRIMARY KEY,
    requested_at timestamptz NOT NULL DEFAULT now(),
    executed_at  timestamptz,
    server_name  text,
    process_id   integer,
    job_id       text
);
