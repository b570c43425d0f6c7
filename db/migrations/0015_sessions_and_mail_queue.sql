-- 0015 Sign-in hardening (issue 10): sessions that signing out ends on the server, password reset
-- requests handled off the request path, the outgoing mail queue, and links that a newer one revokes.

-- One row per signed-in browser. The cookie carries the id; every request checks that the row is
-- still open, so signing out (which closes it) ends the session even for a copy of the cookie.
CREATE TABLE ekis.user_session (
    id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         bigint      NOT NULL REFERENCES ekis.app_user (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    persistent      boolean     NOT NULL,            -- «Запомнить меня»
    client_address  text,
    ended_at        timestamptz,
    ended_reason    text        CHECK (ended_reason IN ('signed_out', 'signed_out_everywhere')),
    CHECK ((ended_at IS NULL) = (ended_reason IS NULL))
);
CREATE INDEX user_session_user_idx ON ekis.user_session (user_id, created_at);

-- «Я не помню пароль»: the page records the request and hands it to a job, the same way whether or
-- not the login exists; the job looks the person up, issues the link and queues the mail. The rows
-- also carry the per-login and per-address limits.
CREATE TABLE ekis.password_reset_request (
    id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    login_key       text        NOT NULL,            -- what was typed, trimmed and lower-cased
    client_address  text,
    requested_at    timestamptz NOT NULL DEFAULT now(),
    processed_at    timestamptz,
    mail_id         bigint                           -- the mail it led to, if any (set by the job)
);
CREATE INDEX password_reset_request_login_idx ON ekis.password_reset_request (login_key, requested_at);
CREATE INDEX password_reset_request_address_idx ON ekis.password_reset_request (client_address, requested_at);

-- Mail to be sent by a job, never on a request's path. Delivered at least once; a failure is retried
-- later. A body that holds a secret (a password link) is erased once delivered or given up.
CREATE TABLE ekis.outgoing_mail (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    purpose         text        NOT NULL,            -- e.g. 'password_reset', for the log and the dashboard
    to_address      text        NOT NULL,
    to_name         text        NOT NULL,
    subject         text        NOT NULL,
    text_body       text,
    secret          boolean     NOT NULL DEFAULT false,
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'expired')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text        NOT NULL DEFAULT ekis.current_actor(),
    valid_until     timestamptz,                     -- not worth sending afterwards (the link in it has expired)
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    sent_via        text,                            -- the SMTP host, or the pickup file
    last_error      text,
    CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
    CHECK (status = 'pending' OR NOT secret OR text_body IS NULL)
);
CREATE INDEX outgoing_mail_due_idx ON ekis.outgoing_mail (next_attempt_at) WHERE status = 'pending';

ALTER TABLE ekis.password_reset_request
    ADD CONSTRAINT password_reset_request_mail_fk FOREIGN KEY (mail_id) REFERENCES ekis.outgoing_mail (id);

-- A newer link of a person revokes the older ones that are still open.
ALTER TABLE ekis.password_token ADD COLUMN revoked_at timestamptz;
