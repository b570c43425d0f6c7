-- 0017 The report lifecycle, once (issue 11): the status sets, the last permitted day, the newest
-- version, which version counts at which level, and "sent at" — each defined here once and used by
-- every query (C# twins in src/EKIS.Reporting/Features/Lifecycle).

-- The named status sets (Lifecycle/ReportStatus.cs spells the same lists for C#).
CREATE FUNCTION ekis.status_is_editable(status text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN status IN ('draft', 'returned_by_municipality', 'returned_by_region');

CREATE FUNCTION ekis.status_is_sent(status text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN status IN ('submitted', 'accepted_by_municipality', 'accepted_by_region');

-- The last day a respondent may still edit and send: the latest of the due date, an extension and
-- a return's resubmission date (Lifecycle/LastDay.cs). greatest() ignores NULLs.
CREATE FUNCTION ekis.report_last_day(due date, extension_until date, resubmit_until date) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN greatest(due, extension_until, resubmit_until);

-- Each respondent's newest report version in a campaign (the one being worked on). Written as an
-- anti-join rather than DISTINCT ON so that a filter or a join on campaign/unit reaches the index.
CREATE VIEW ekis.report_newest AS
    SELECT r.*
    FROM ekis.report r
    WHERE NOT EXISTS (SELECT 1 FROM ekis.report n
                      WHERE n.campaign_id = r.campaign_id AND n.org_unit_id = r.org_unit_id AND n.version > r.version);

-- Which version COUNTS at a level (Lifecycle/ReportVersions.cs, DataLevel): the newest version whose
-- status has reached the level. A reopened version replaces its predecessor at a level only once it
-- reaches that level itself; until then the older accepted version keeps counting.
CREATE VIEW ekis.report_counting_region AS
    SELECT r.campaign_id, r.org_unit_id, r.id AS report_id, r.version, r.status
    FROM ekis.report r
    WHERE r.status = 'accepted_by_region'
      AND NOT EXISTS (SELECT 1 FROM ekis.report n
                      WHERE n.campaign_id = r.campaign_id AND n.org_unit_id = r.org_unit_id AND n.version > r.version
                        AND n.status = 'accepted_by_region');

CREATE VIEW ekis.report_counting_municipality AS
    SELECT r.campaign_id, r.org_unit_id, r.id AS report_id, r.version, r.status
    FROM ekis.report r
    WHERE r.status IN ('accepted_by_municipality', 'accepted_by_region')
      AND NOT EXISTS (SELECT 1 FROM ekis.report n
                      WHERE n.campaign_id = r.campaign_id AND n.org_unit_id = r.org_unit_id AND n.version > r.version
                        AND n.status IN ('accepted_by_municipality', 'accepted_by_region'));

CREATE VIEW ekis.report_counting_monitoring AS
    SELECT r.campaign_id, r.org_unit_id, r.id AS report_id, r.version, r.status
    FROM ekis.report r
    WHERE ekis.status_is_sent(r.status)
      AND NOT EXISTS (SELECT 1 FROM ekis.report n
                      WHERE n.campaign_id = r.campaign_id AND n.org_unit_id = r.org_unit_id AND n.version > r.version
                        AND ekis.status_is_sent(n.status));

-- "Sent at" has one home, report.submitted_at, set only by a genuine send (ReportTransitions). It
-- used to be overwritten by a withdrawn municipal acceptance too (back to "submitted"): recompute it
-- from the transitions — the latest move to "submitted" from a draft or a return.
UPDATE ekis.report r
SET submitted_at = (SELECT t.at FROM ekis.report_transition t
                    WHERE t.report_id = r.id AND t.to_status = 'submitted' AND ekis.status_is_editable(t.from_status)
                    ORDER BY t.at DESC, t.id DESC LIMIT 1)
WHERE r.submitted_at IS DISTINCT FROM (SELECT t.at FROM ekis.report_transition t
                    WHERE t.report_id = r.id AND t.to_status = 'submitted' AND ekis.status_is_editable(t.from_status)
                    ORDER BY t.at DESC, t.id DESC LIMIT 1);
