-- 0016 The transition outbox (issue 11): every change that later work reacts to (report transitions,
-- extensions, campaign respondents and dates, registry changes) appends one event here in the same
-- transaction as the change. A pump in every job server hands each event to each subscriber as a
-- Hangfire job; deliveries are recorded per (subscriber, event) so a retry or a second worker never
-- applies one twice. See docs/decisions/0002-outbox-dispatch.md.

CREATE TABLE ekis.outbox_event (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            text        NOT NULL,            -- DomainEvents: 'report.submitted', 'campaign.opened', …
    campaign_id     bigint      REFERENCES ekis.campaign (id),
    report_id       bigint      REFERENCES ekis.report (id),
    org_unit_id     bigint      REFERENCES ekis.org_unit (id),
    payload         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    actor           text        NOT NULL DEFAULT ekis.current_actor(), -- 'user:<id>' or 'system:<name>', as in the audit
    occurred_at     timestamptz NOT NULL DEFAULT now(),
    dispatched_at   timestamptz                      -- set once the pump has enqueued its deliveries
);
-- The pump's work list: events not yet handed to the job queue, oldest first.
CREATE INDEX outbox_event_pending_idx ON ekis.outbox_event (id) WHERE dispatched_at IS NULL;
CREATE INDEX outbox_event_report_idx ON ekis.outbox_event (report_id) WHERE report_id IS NOT NULL;
CREATE INDEX outbox_event_campaign_idx ON ekis.outbox_event (campaign_id, id) WHERE campaign_id IS NOT NULL;

-- One row per (subscriber, event) once a delivery was attempted: the idempotence key and the
-- failure record (attempts, the last error) the dashboard and the tests read.
CREATE TABLE ekis.outbox_delivery (
    subscriber      text        NOT NULL,
    event_id        bigint      NOT NULL REFERENCES ekis.outbox_event (id),
    attempts        integer     NOT NULL DEFAULT 0,
    last_error      text,
    last_attempt_at timestamptz,
    delivered_at    timestamptz,
    PRIMARY KEY (subscriber, event_id)
);
CREATE INDEX outbox_delivery_undelivered_idx ON ekis.outbox_delivery (event_id) WHERE delivered_at IS NULL;

-- Wake the pumps: NOTIFY is delivered at commit, so a listener never sees an event whose
-- transaction rolled back. One notification per statement is enough (the pump reads the table).
CREATE FUNCTION ekis.outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('ekis_outbox', '');
    RETURN NULL;
END $$;

CREATE TRIGGER outbox_event_notify AFTER INSERT ON ekis.outbox_event
    FOR EACH STATEMENT EXECUTE FUNCTION ekis.outbox_notify();
