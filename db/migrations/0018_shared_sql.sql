-- 0018 Shared SQL, once (issue 11): the rules that queries kept re-spelling get one home each.
-- db/README.md names, for every function and view, the migration that holds its current definition.

-- The date a campaign's tree and scope are judged on: its reference date, else its due date.
-- Stored (not computed per query) so that it can be indexed and compared like any column.
ALTER TABLE ekis.campaign
    ADD COLUMN as_of date GENERATED ALWAYS AS (coalesce(reference_date, due_date)) STORED;

COMMENT ON COLUMN ekis.campaign.as_of IS
    'coalesce(reference_date, due_date): the date the campaign''s tree and scope are judged on.';

-- A unit's municipality in today's tree: a municipality is its own, an organisation's is its parent,
-- a branch's is its grandparent (the region and units above it have none and are not listed).
CREATE VIEW ekis.unit_municipality AS
SELECT u.id,
       CASE u.level WHEN 'municipality' THEN u.id WHEN 'organisation' THEN u.parent_id ELSE p.parent_id END AS municipality_id
FROM ekis.org_unit u
LEFT JOIN ekis.org_unit p ON p.id = u.parent_id AND u.level = 'branch'
WHERE u.level IN ('municipality', 'organisation', 'branch');

COMMENT ON VIEW ekis.unit_municipality IS
    'A unit''s municipality in today''s tree: itself, the parent of an organisation, the grandparent of a branch.';

-- The person behind an actor key: 'user:<id>' gives the id, any other key NULL. A join on
-- app_user.id = ekis.actor_user_id(x.actor) probes the primary key (a join on 'user:' || id cannot).
CREATE FUNCTION ekis.actor_user_id(actor text) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN actor ~ '^user:[0-9]{1,18}$' THEN substr(actor, 6)::bigint END $$;

-- The name to show for an actor key: 'user:<id>' becomes the person's full name, looked up by the
-- primary key. Any other key, and a person that no longer exists, comes back unchanged: the words
-- for system actors and unknown people have one home, ActorNames.Display in C#, which every page
-- applies to this function's result.
CREATE FUNCTION ekis.actor_name(actor text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
    SELECT coalesce((SELECT u.full_name FROM ekis.app_user u WHERE u.id = ekis.actor_user_id(actor)), actor)
$$;
