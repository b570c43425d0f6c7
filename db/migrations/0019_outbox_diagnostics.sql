-- 0019 Diagnostic outbox subscribers (issue 11): when Outbox:DiagnosticSubscribers=true, the test
-- subscribers record every delivery they apply here, in the same transaction that marks the delivery
-- done. The primary key holds one row per (subscriber, event); a second application of the same
-- delivery would raise `applications` above 1, so the tests can see it. Empty in normal operation.

CREATE TABLE ekis.outbox_diagnostic_receipt (
    subscriber      text        NOT NULL,
    event_id        bigint      NOT NULL REFERENCES ekis.outbox_event (id),
    applications    integer     NOT NULL DEFAULT 1,
    attempt         integer     NOT NULL,            -- the delivery attempt that applied it
    process_id      integer     NOT NULL,            -- which process (worker) applied it
    applied_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subscriber, event_id)
);
