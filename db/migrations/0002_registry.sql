-- 0002 Registry of educational organisations: the organisation card, identifiers and their
-- uniqueness, the tree's rules, history (who/when/old -> new, readable as of a date), groups.
-- Identifier control digits are checked by the application (Features/Registry/Identifiers.cs),
-- which can say in Russian what is wrong; the database keeps the shape and the uniqueness rules.

ALTER TABLE ekis.org_unit
    ADD COLUMN kind           text CHECK (kind IN ('preschool', 'general', 'additional', 'vocational', 'other')),
    ADD COLUMN legal_status   text CHECK (legal_status IN ('legal_entity', 'branch', 'structural_unit')),
    ADD COLUMN inn            text CHECK (inn ~ '^[0-9]{10}$'),
    ADD COLUMN kpp            text CHECK (kpp ~ '^[0-9]{4}[0-9A-Z]{2}[0-9]{3}$'),
    ADD COLUMN ogrn           text CHECK (ogrn ~ '^[0-9]{13}$'),
    ADD COLUMN okpo           text CHECK (okpo ~ '^([0-9]{8}|[0-9]{10}|[0-9]{14})$'),
    ADD COLUMN oktmo          text CHECK (oktmo ~ '^([0-9]{8}|[0-9]{11})$'),
    ADD COLUMN okfs           text CHECK (okfs ~ '^[0-9]{2}$'),
    ADD COLUMN okopf          text CHECK (okopf ~ '^[0-9]{5}$'),
    ADD COLUMN address        text,
    ADD COLUMN actual_address text,
    ADD COLUMN urban          boolean,
    ADD COLUMN director       text,
    ADD COLUMN phone          text,
    ADD COLUMN email          text,
    ADD COLUMN website        text,
    ADD COLUMN status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'reorganising', 'closed')),
    ADD COLUMN opened_on      date,
    ADD COLUMN closed_on      date,
    ADD COLUMN merged_into_id bigint REFERENCES ekis.org_unit (id),
    ADD CONSTRAINT org_unit_closed_has_date CHECK ((status = 'closed') = (closed_on IS NOT NULL)),
    ADD CONSTRAINT org_unit_dates_ordered CHECK (closed_on IS NULL OR opened_on IS NULL OR closed_on >= opened_on),
    ADD CONSTRAINT org_unit_merged_is_closed CHECK (merged_into_id IS NULL OR status = 'closed'),
    -- A legal status describes respondents only: an organisation is a legal entity, a branch-level
    -- respondent is a branch or a structural unit. Municipalities and the region have none.
    ADD CONSTRAINT org_unit_legal_status_fits_level CHECK (
        CASE level
            WHEN 'organisation' THEN legal_status IS NULL OR legal_status = 'legal_entity'
            WHEN 'branch' THEN legal_status IS NULL OR legal_status IN ('branch', 'structural_unit')
            ELSE legal_status IS NULL
        END),
    ADD CONSTRAINT org_unit_kind_for_respondents CHECK (kind IS NULL OR level IN ('organisation', 'branch'));

COMMENT ON COLUMN ekis.org_unit.urban IS 'true: urban locality, false: rural, NULL: not stated.';
COMMENT ON COLUMN ekis.org_unit.merged_into_id IS 'The organisation this one was merged into (it is then closed; its history and reports stay).';

-- Uniqueness rules of the registry. ЕКИС code: already UNIQUE (0001).
-- ИНН + КПП among legal entities and branches (a structural unit may share its parent's КПП).
CREATE UNIQUE INDEX org_unit_inn_kpp_uq ON ekis.org_unit (inn, kpp)
    WHERE legal_status IN ('legal_entity', 'branch') AND inn IS NOT NULL AND kpp IS NOT NULL;
-- ОКПО among respondents.
CREATE UNIQUE INDEX org_unit_okpo_uq ON ekis.org_unit (okpo)
    WHERE level IN ('organisation', 'branch') AND okpo IS NOT NULL;
CREATE INDEX org_unit_inn_idx ON ekis.org_unit (inn) WHERE inn IS NOT NULL;
CREATE INDEX org_unit_status_idx ON ekis.org_unit (status);

-- The tree's rules: each level hangs under the level just above it. Levels strictly descend, so a
-- cycle cannot be built; the check also refuses a parent that does not exist at the needed level.
CREATE FUNCTION ekis.org_unit_check_parent() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    parent_level text;
    expected text;
BEGIN
    IF NEW.parent_id IS NULL THEN
        RETURN NEW; -- only a region has no parent (CHECK in 0001)
    END IF;
    IF NEW.parent_id = NEW.id THEN
        RAISE EXCEPTION 'org_unit % cannot be its own parent', NEW.ekis_code USING ERRCODE = 'check_violation';
    END IF;
    SELECT level INTO parent_level FROM ekis.org_unit WHERE id = NEW.parent_id;
    expected := CASE NEW.level WHEN 'municipality' THEN 'region' WHEN 'organisation' THEN 'municipality'
                               WHEN 'branch' THEN 'organisation' END;
    IF parent_level IS DISTINCT FROM expected THEN
        RAISE EXCEPTION 'org_unit % (%) must hang under a %, not under a %', NEW.ekis_code, NEW.level, expected, parent_level
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER org_unit_check_parent
    BEFORE INSERT OR UPDATE OF parent_id, level ON ekis.org_unit
    FOR EACH ROW EXECUTE FUNCTION ekis.org_unit_check_parent();

-- History. Every insert, update and delete of an org unit writes one row with the whole old and new
-- row images, the author (the transaction's actor: a change without one fails) and two times:
--   changed_at    when it was recorded (transaction time);
--   effective_on  the date from which it is in force — set by the slice that makes the change
--                 (ekis.effective_on, e.g. the date of a move or a closure), else the opening date
--                 for a new unit (or -infinity: it existed before the registry), else today.
-- Reading the tree as of a date D takes, for every unit, the newest row with effective_on <= D.
CREATE TABLE ekis.org_unit_history (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_unit_id  bigint      NOT NULL,
    operation    text        NOT NULL CHECK (operation IN ('insert', 'update', 'delete')),
    effective_on date        NOT NULL,
    changed_at   timestamptz NOT NULL DEFAULT now(),
    changed_by   text        NOT NULL DEFAULT ekis.current_actor(),
    reason       text,
    old_row      jsonb,
    new_row      jsonb
);
CREATE INDEX org_unit_history_unit_idx ON ekis.org_unit_history (org_unit_id, effective_on, id);

COMMENT ON TABLE ekis.org_unit_history IS
    'Every change of ekis.org_unit: who, when, from which date it is in force, old and new row images.';

CREATE FUNCTION ekis.org_unit_effective_on(fallback date) RETURNS date
    LANGUAGE sql STABLE
    AS $$ SELECT coalesce(nullif(current_setting('ekis.effective_on', true), '')::date, fallback) $$;

-- BEFORE UPDATE: a no-op update is dropped (no history noise when an import re-sends a row);
-- otherwise the "who/when" columns follow the change.
CREATE FUNCTION ekis.org_unit_touch() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF (to_jsonb(NEW) - 'updated_at' - 'updated_by') = (to_jsonb(OLD) - 'updated_at' - 'updated_by') THEN
        RETURN NULL;
    END IF;
    NEW.updated_at := now();
    NEW.updated_by := ekis.current_actor();
    RETURN NEW;
END $$;

CREATE TRIGGER org_unit_touch
    BEFORE UPDATE ON ekis.org_unit
    FOR EACH ROW EXECUTE FUNCTION ekis.org_unit_touch();

CREATE FUNCTION ekis.org_unit_record_history() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO ekis.org_unit_history (org_unit_id, operation, effective_on, reason, new_row)
        VALUES (NEW.id, 'insert', ekis.org_unit_effective_on(coalesce(NEW.opened_on, '-infinity'::date)),
                nullif(current_setting('ekis.change_reason', true), ''), to_jsonb(NEW));
        RETURN NEW;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO ekis.org_unit_history (org_unit_id, operation, effective_on, reason, old_row, new_row)
        VALUES (NEW.id, 'update', ekis.org_unit_effective_on(current_date),
                nullif(current_setting('ekis.change_reason', true), ''), to_jsonb(OLD), to_jsonb(NEW));
        RETURN NEW;
    ELSE
        INSERT INTO ekis.org_unit_history (org_unit_id, operation, effective_on, reason, old_row)
        VALUES (OLD.id, 'delete', ekis.org_unit_effective_on(current_date),
                nullif(current_setting('ekis.change_reason', true), ''), to_jsonb(OLD));
        RETURN OLD;
    END IF;
END $$;

CREATE TRIGGER org_unit_record_history
    AFTER INSERT OR UPDATE OR DELETE ON ekis.org_unit
    FOR EACH ROW EXECUTE FUNCTION ekis.org_unit_record_history();

-- Groups of organisations («Гимназии и лицеи») and group sets. In an exclusive set (ownership,
-- urban/rural) an organisation may belong to at most one group: RegistryGroups lists violations
-- rather than refusing them, so that a bulk regrouping can pass through an inconsistent moment.
CREATE TABLE ekis.org_group_set (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text    NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_.-]+$'),
    name        text    NOT NULL CHECK (btrim(name) <> ''),
    exclusive   boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text        NOT NULL DEFAULT ekis.current_actor()
);

CREATE TABLE ekis.org_group (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    set_id      bigint REFERENCES ekis.org_group_set (id),
    code        text   NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_.-]+$'),
    name        text   NOT NULL CHECK (btrim(name) <> ''),
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text        NOT NULL DEFAULT ekis.current_actor()
);
CREATE INDEX org_group_set_idx ON ekis.org_group (set_id);

CREATE TABLE ekis.org_group_member (
    group_id    bigint NOT NULL REFERENCES ekis.org_group (id) ON DELETE CASCADE,
    org_unit_id bigint NOT NULL REFERENCES ekis.org_unit (id),
    added_at    timestamptz NOT NULL DEFAULT now(),
    added_by    text        NOT NULL DEFAULT ekis.current_actor(),
    PRIMARY KEY (group_id, org_unit_id)
);
CREATE INDEX org_group_member_unit_idx ON ekis.org_group_member (org_unit_id);

-- Membership changes go to the audit trail (who, when, which group).
CREATE FUNCTION ekis.org_group_member_audit() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    r ekis.org_group_member;
BEGIN
    r := CASE WHEN TG_OP = 'INSERT' THEN NEW ELSE OLD END;
    INSERT INTO ekis.audit_event (action, entity, entity_id, details)
    VALUES (CASE WHEN TG_OP = 'INSERT' THEN 'group.add' ELSE 'group.remove' END, 'org_unit', r.org_unit_id::text,
            jsonb_build_object('group_id', r.group_id, 'group', (SELECT code FROM ekis.org_group WHERE id = r.group_id)));
    RETURN r;
END $$;

CREATE TRIGGER org_group_member_audit
    AFTER INSERT OR DELETE ON ekis.org_group_member
    FOR EACH ROW EXECUTE FUNCTION ekis.org_group_member_audit();
