-- 0007 Proposed changes of a registry card (issue 4, item 8): a director proposes new values for
-- their organisation's fields; a regional analyst approves them (applied through SaveOrganisation,
-- so with every registry check and recorded in the history as the analyst's change) or rejects
-- them with a comment. The values the card had when proposed are kept for the diff.
CREATE TABLE ekis.registry_proposal (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_unit_id  bigint      NOT NULL REFERENCES ekis.org_unit (id),
    changes      jsonb       NOT NULL CHECK (jsonb_typeof(changes) = 'object' AND changes <> '{}'::jsonb),
    original     jsonb       NOT NULL,
    status       text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    proposed_at  timestamptz NOT NULL DEFAULT now(),
    proposed_by  text        NOT NULL DEFAULT ekis.current_actor(),
    decided_at   timestamptz,
    decided_by   text,
    comment      text,
    CHECK ((status = 'pending') = (decided_at IS NULL)),
    CHECK ((status = 'pending') = (decided_by IS NULL)),
    CHECK (status <> 'rejected' OR btrim(coalesce(comment, '')) <> '')
);
CREATE INDEX registry_proposal_pending_idx ON ekis.registry_proposal (org_unit_id) WHERE status = 'pending';
