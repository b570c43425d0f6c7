-- 0009 Registry search at national size (issue 4: the /Registry page under 100 ms with 40,000
-- organisations). SearchRegistry matches `lower(name|short_name|ekis_code) LIKE '%…%'` and
-- `inn LIKE '%…%'`; trigram GIN indexes answer such infix patterns without reading every row.
-- pg_trgm ships with the PostgreSQL server (contrib) and is a trusted extension, so the database
-- owner may create it. It goes into schema ekis unless an earlier install put it elsewhere; the
-- operator class is named with the schema it is actually in.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA ekis;

DO $$
DECLARE
    trgm text := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm');
BEGIN
    EXECUTE format('CREATE INDEX org_unit_name_trgm ON ekis.org_unit USING gin (lower(name) %I.gin_trgm_ops) '
                   'WHERE level IN (''organisation'', ''branch'')', trgm);
    EXECUTE format('CREATE INDEX org_unit_short_name_trgm ON ekis.org_unit USING gin (lower(coalesce(short_name, '''')) %I.gin_trgm_ops) '
                   'WHERE level IN (''organisation'', ''branch'')', trgm);
    EXECUTE format('CREATE INDEX org_unit_code_trgm ON ekis.org_unit USING gin (lower(ekis_code) %I.gin_trgm_ops) '
                   'WHERE level IN (''organisation'', ''branch'')', trgm);
    EXECUTE format('CREATE INDEX org_unit_inn_trgm ON ekis.org_unit USING gin (inn %I.gin_trgm_ops) '
                   'WHERE level IN (''organisation'', ''branch'')', trgm);
END $$;

-- The region and the municipalities: found by level without reading the respondents (the search's
-- scope, the single-card save's snapshot).
CREATE INDEX org_unit_upper_levels_idx ON ekis.org_unit (level, parent_id) WHERE level IN ('region', 'municipality');
