-- Scratch benchmark for docs/decisions/0001-report-value-storage.md: run with psql -f on an empty scratch database.
\timing on
CREATE TABLE report (id bigint PRIMARY KEY, campaign_id bigint NOT NULL, municipality_id bigint NOT NULL);
INSERT INTO report SELECT g, 1, 1 + g % 60 FROM generate_series(1, 10000) g;
CREATE TABLE report_value (report_id bigint NOT NULL, cell_id int NOT NULL, value numeric, text_value text, PRIMARY KEY (report_id, cell_id));
-- 10,000 reports x 1,500 cells = 15,000,000 values, integer counts like ОО-1's.
INSERT INTO report_value SELECT r, c, (random() * 500)::int FROM generate_series(1, 10000) r, generate_series(1, 1500) c;
VACUUM ANALYZE report_value; VACUUM ANALYZE report;
SELECT pg_size_pretty(pg_total_relation_size('report_value')) AS total, pg_size_pretty(pg_relation_size('report_value')) AS heap;

\timing on
SET max_parallel_workers_per_gather = 2;
\o /dev/null
-- Q1: one campaign, whole region: one GROUP BY cell
SELECT v.cell_id, sum(v.value) FROM report_value v JOIN report r ON r.id = v.report_id WHERE r.campaign_id = 1 GROUP BY v.cell_id;
SELECT v.cell_id, sum(v.value) FROM report_value v JOIN report r ON r.id = v.report_id WHERE r.campaign_id = 1 GROUP BY v.cell_id;
SELECT v.cell_id, sum(v.value) FROM report_value v JOIN report r ON r.id = v.report_id WHERE r.campaign_id = 1 GROUP BY v.cell_id;
-- Q0: without the join
SELECT cell_id, sum(value) FROM report_value GROUP BY cell_id;
SELECT cell_id, sum(value) FROM report_value GROUP BY cell_id;
-- Q2: per municipality x cell (60 x 1,500 groups)
SELECT r.municipality_id, v.cell_id, sum(v.value) FROM report_value v JOIN report r ON r.id = v.report_id WHERE r.campaign_id = 1 GROUP BY 1, 2;
SELECT r.municipality_id, v.cell_id, sum(v.value) FROM report_value v JOIN report r ON r.id = v.report_id WHERE r.campaign_id = 1 GROUP BY 1, 2;
\o
-- Q3: the municipal and regional consolidated reports written back (91,500 rows)
CREATE TABLE consolidated (unit_id bigint, cell_id int, value numeric, PRIMARY KEY (unit_id, cell_id));
INSERT INTO consolidated
SELECT coalesce(r.municipality_id, 0), v.cell_id, sum(v.value) FROM report_value v JOIN report r ON r.id = v.report_id
WHERE r.campaign_id = 1 GROUP BY GROUPING SETS ((r.municipality_id, v.cell_id), (v.cell_id));
-- read one report (1,500 cells) by primary key
\o /dev/null
SELECT cell_id, value FROM report_value WHERE report_id = 4242;
SELECT cell_id, value FROM report_value WHERE report_id = 4243;
\o
-- binary COPY: 1,500,000 rows (1,000 reports) out and into an indexed table
\copy (SELECT * FROM report_value WHERE report_id <= 1000) TO 'rv.bin' WITH (FORMAT binary)
CREATE TABLE rv2 (LIKE report_value INCLUDING ALL);
\copy rv2 FROM 'rv.bin' WITH (FORMAT binary)
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT v.cell_id, sum(v.value) FROM report_value v JOIN report r ON r.id = v.report_id WHERE r.campaign_id = 1 GROUP BY v.cell_id;
