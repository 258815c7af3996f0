-- The supervision desk (issue 18): what its case list and its figures need at 1,000,000 cases. On top of
-- 003_integrator; no applied migration is changed.

-- the earliest deadline of a running case (NULL when it has none: listed last in the dueAt order), and what the
-- figures read besides the instance (store/figures.ts CaseFigures, JSON; NULL on cases stored before this migration)
ALTER TABLE gz_cases ADD COLUMN due_at timestamptz(3);
ALTER TABLE gz_cases ADD COLUMN figures text;

-- listings: newest or oldest first over everything, within a pack and procedure, overdue cases, the nearest
-- deadline first, business keys by their beginning
DROP INDEX gz_cases_created;
CREATE INDEX gz_cases_created ON gz_cases (created_at, id);
CREATE INDEX gz_cases_procedure_created ON gz_cases (pack, procedure, created_at, id);
CREATE INDEX gz_cases_overdue_created ON gz_cases (created_at, id) WHERE overdue;
CREATE INDEX gz_cases_due ON gz_cases (due_at, id) WHERE due_at IS NOT NULL;
CREATE INDEX gz_cases_business_key_prefix ON gz_cases (business_key varchar_pattern_ops);

-- GET /api/stats and /metrics' open cases now read the counters below, not the cases: 003's indexes for them go
-- (gz_cases_procedure_created above serves a pack and procedure's cases by time opened)
DROP INDEX gz_cases_stats;
DROP INDEX gz_cases_open;

-- The figures' counters. A case transaction appends what it changes to gz_stats_delta (no row is updated there, so
-- concurrent cases never wait on a counter); a fold (one process at a time, under an advisory lock) moves the
-- deltas into gz_stats, by day and by week (Monday), in one transaction. A query sums gz_stats and the deltas not
-- folded yet: whole weeks from the week rows, the days at the window's edges from the day rows.
--   kind 'c': the cohort of cases opened on `day`; 's': open cases and completed stays by `state`, cases opened on
--   `day`; 'x': cases closed on `day`.
CREATE TABLE gz_stats_delta (
  seq bigserial PRIMARY KEY,
  kind char(1) NOT NULL,
  pack varchar(200) NOT NULL,
  procedure varchar(200) NOT NULL,
  day date NOT NULL,
  state varchar(1000) NOT NULL,
  opened integer NOT NULL DEFAULT 0,
  closed integer NOT NULL DEFAULT 0,
  cancelled integer NOT NULL DEFAULT 0,
  on_time integer NOT NULL DEFAULT 0,
  overdue integer NOT NULL DEFAULT 0,
  rated integer NOT NULL DEFAULT 0,
  satisfied double precision NOT NULL DEFAULT 0,
  total double precision NOT NULL DEFAULT 0,
  resolvable integer NOT NULL DEFAULT 0,
  resolved integer NOT NULL DEFAULT 0,
  handed_off integer NOT NULL DEFAULT 0,
  open_n integer NOT NULL DEFAULT 0,
  stay_ms bigint NOT NULL DEFAULT 0,
  stay_n integer NOT NULL DEFAULT 0
);

CREATE TABLE gz_stats (
  grain char(1) NOT NULL,
  kind char(1) NOT NULL,
  pack varchar(200) NOT NULL,
  procedure varchar(200) NOT NULL,
  day date NOT NULL,
  state varchar(1000) NOT NULL,
  opened bigint NOT NULL DEFAULT 0,
  closed bigint NOT NULL DEFAULT 0,
  cancelled bigint NOT NULL DEFAULT 0,
  on_time bigint NOT NULL DEFAULT 0,
  overdue bigint NOT NULL DEFAULT 0,
  rated bigint NOT NULL DEFAULT 0,
  satisfied double precision NOT NULL DEFAULT 0,
  total double precision NOT NULL DEFAULT 0,
  resolvable bigint NOT NULL DEFAULT 0,
  resolved bigint NOT NULL DEFAULT 0,
  handed_off bigint NOT NULL DEFAULT 0,
  open_n bigint NOT NULL DEFAULT 0,
  stay_ms bigint NOT NULL DEFAULT 0,
  stay_n bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (grain, day, pack, procedure, kind, state)
);

-- a database that already holds cases has its counters counted once at the next start (PgStore.open)
INSERT INTO gz_settings (key, value) SELECT 'stats.recount', 'due' WHERE EXISTS (SELECT 1 FROM gz_cases);
