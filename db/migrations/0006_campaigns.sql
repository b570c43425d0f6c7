-- 0006 Campaigns and reports: template versions and their cell dictionaries, campaigns with fixed
-- expected respondents, reports with their review path, narrow integer-keyed value storage, and the
-- audit of every transition and value change (docs/decisions/0001-report-value-storage.md).

-- A template version as loaded (code + version identify it; the XML is kept so that a report is
-- always checked by the exact file it was made with).
CREATE TABLE ekis.template_version (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code         text   NOT NULL,
    version      text   NOT NULL,
    title        text   NOT NULL,
    periodicity  int    NOT NULL,
    file_name    text,
    xml          text   NOT NULL,
    loaded_at    timestamptz NOT NULL DEFAULT now(),
    loaded_by    text        NOT NULL DEFAULT ekis.current_actor(),
    UNIQUE (code, version)
);

-- The cell dictionary: a small integer per (section, row, column[, specifics]) of a template version.
-- Fixed rows get their cells when the version is loaded; repeatable (M) row instances on first use.
CREATE TABLE ekis.template_cell (
    template_version_id bigint NOT NULL REFERENCES ekis.template_version (id),
    cell_id      int    GENERATED ALWAYS AS IDENTITY,
    section      text   NOT NULL,
    row_code     text   NOT NULL,
    column_code  text   NOT NULL,
    s1           text,
    s2           text,
    s3           text,
    PRIMARY KEY (cell_id),
    UNIQUE NULLS NOT DISTINCT (template_version_id, section, row_code, column_code, s1, s2, s3)
);

CREATE TABLE ekis.campaign (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    template_version_id bigint NOT NULL REFERENCES ekis.template_version (id),
    year                int    NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    period              text   NOT NULL,
    reference_date      date,
    due_date            date   NOT NULL,
    review_date         date,
    status              text   NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed', 'archived')),
    opened_at           timestamptz,
    opened_by           text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    created_by          text        NOT NULL DEFAULT ekis.current_actor(),
    UNIQUE (template_version_id, year, period)
);

-- Expected respondents, fixed when the campaign opens (the completeness denominator). Later
-- additions and drops keep who and why; a dropped respondent stays as a row with dropped_at.
CREATE TABLE ekis.campaign_respondent (
    campaign_id  bigint NOT NULL REFERENCES ekis.campaign (id),
    org_unit_id  bigint NOT NULL REFERENCES ekis.org_unit (id),
    added_at     timestamptz NOT NULL DEFAULT now(),
    added_by     text        NOT NULL DEFAULT ekis.current_actor(),
    added_reason text,
    dropped_at   timestamptz,
    dropped_by   text,
    dropped_reason text,
    PRIMARY KEY (campaign_id, org_unit_id),
    CHECK ((dropped_at IS NULL) = (dropped_by IS NULL))
);
CREATE INDEX campaign_respondent_unit_idx ON ekis.campaign_respondent (org_unit_id);

CREATE TABLE ekis.report (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id     bigint NOT NULL REFERENCES ekis.campaign (id),
    org_unit_id     bigint NOT NULL REFERENCES ekis.org_unit (id),
    version         int    NOT NULL DEFAULT 1 CHECK (version >= 1),
    status          text   NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'returned_by_municipality',
                        'returned_by_region', 'accepted_by_municipality', 'accepted_by_region')),
    row_version     int    NOT NULL DEFAULT 1,
    title           jsonb  NOT NULL DEFAULT '{}'::jsonb,
    extension_until date,
    resubmit_until  date,
    submitted_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text        NOT NULL DEFAULT ekis.current_actor(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      text        NOT NULL DEFAULT ekis.current_actor(),
    UNIQUE (campaign_id, org_unit_id, version)
);
CREATE INDEX report_unit_idx ON ekis.report (org_unit_id);

-- Narrow storage: one row per filled cell. value for numbers, text_value for text cells.
CREATE TABLE ekis.report_value (
    report_id   bigint  NOT NULL REFERENCES ekis.report (id),
    cell_id     int     NOT NULL,
    value       numeric,
    text_value  text,
    PRIMARY KEY (report_id, cell_id)
);

CREATE TABLE ekis.report_transition (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id   bigint NOT NULL REFERENCES ekis.report (id),
    from_status text,
    to_status   text   NOT NULL,
    comment     text,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text        NOT NULL DEFAULT ekis.current_actor()
);
CREATE INDEX report_transition_report_idx ON ekis.report_transition (report_id, at);

CREATE TABLE ekis.report_value_change (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id   bigint NOT NULL REFERENCES ekis.report (id),
    cell_id     int    NOT NULL,
    version     int    NOT NULL,
    old_value   text,
    new_value   text,
    source      text   NOT NULL CHECK (source IN ('typed', 'upload', 'import')),
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text        NOT NULL DEFAULT ekis.current_actor()
);
CREATE INDEX report_value_change_cell_idx ON ekis.report_value_change (report_id, cell_id, at);
