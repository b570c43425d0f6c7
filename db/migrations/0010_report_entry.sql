-- 0010 Data entry: explanations of control warnings (a report with an unexplained warning cannot be
-- sent) and a comment per cell. Both keep who and when; a removed comment leaves an audit_event.

CREATE TABLE ekis.report_explanation (
    report_id   bigint NOT NULL REFERENCES ekis.report (id),
    control_id  text   NOT NULL,
    explanation text   NOT NULL CHECK (btrim(explanation) <> '' AND length(explanation) <= 2000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text        NOT NULL DEFAULT ekis.current_actor(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text        NOT NULL DEFAULT ekis.current_actor(),
    PRIMARY KEY (report_id, control_id)
);

-- Addressed like template_cell (section, row, column, specifics) rather than by cell_id, so a
-- comment can be left on a repeatable-row cell before any value made it a dictionary entry.
CREATE TABLE ekis.report_cell_comment (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id   bigint NOT NULL REFERENCES ekis.report (id),
    section     text   NOT NULL,
    row_code    text   NOT NULL,
    column_code text   NOT NULL,
    s1          text,
    s2          text,
    s3          text,
    comment     text   NOT NULL CHECK (btrim(comment) <> '' AND length(comment) <= 2000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text        NOT NULL DEFAULT ekis.current_actor(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text        NOT NULL DEFAULT ekis.current_actor(),
    UNIQUE NULLS NOT DISTINCT (report_id, section, row_code, column_code, s1, s2, s3)
);
