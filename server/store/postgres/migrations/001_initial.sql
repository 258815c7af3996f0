-- Gongzhi on PostgreSQL: the first schema. Plain SQL that PostgreSQL-derived databases also accept where they can
-- (no ON CONFLICT, no FILTER, triggers declared with EXECUTE PROCEDURE). Times that rows are matched by are
-- timestamptz(3): a JS Date has milliseconds. Lease and retry times are milliseconds since the epoch (bigint), set
-- by the server processes.

-- one row per case: the instance (JSON text, exactly as the engine made it) and the columns queries filter on
CREATE TABLE gz_cases (
  id varchar(40) PRIMARY KEY,
  pack varchar(200) NOT NULL,
  procedure varchar(200) NOT NULL,
  version integer NOT NULL,
  rev integer NOT NULL,
  status varchar(20) NOT NULL,
  state varchar(1000) NOT NULL,
  -- the first segment of the state path: listing by state reads an index on (state_root, id)
  state_root varchar(200) NOT NULL,
  overdue boolean NOT NULL,
  ever_overdue boolean NOT NULL,
  business_key varchar(500),
  created_at timestamptz(3) NOT NULL,
  updated_at timestamptz(3) NOT NULL,
  instance text NOT NULL,
  satisfied double precision,
  satisfaction_total double precision
);
CREATE UNIQUE INDEX gz_cases_business_key ON gz_cases (pack, business_key);
CREATE INDEX gz_cases_state ON gz_cases (state_root, id);
CREATE INDEX gz_cases_procedure ON gz_cases (pack, procedure, id);
CREATE INDEX gz_cases_created ON gz_cases (created_at);

-- rows that are never changed once written
CREATE FUNCTION gz_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'gongzhi: % rows are never changed (% refused)', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;

-- the append-only history of every case
CREATE TABLE gz_history (
  case_id varchar(40) NOT NULL,
  seq integer NOT NULL,
  at timestamptz(3) NOT NULL,
  entry text NOT NULL,
  PRIMARY KEY (case_id, seq)
);
CREATE TRIGGER gz_history_append_only BEFORE UPDATE OR DELETE ON gz_history
  FOR EACH ROW EXECUTE PROCEDURE gz_refuse_change();

-- armed deadlines; a firing deletes its row inside the case's transaction
CREATE TABLE gz_timers (
  case_id varchar(40) NOT NULL,
  name varchar(200) NOT NULL,
  due_at varchar(40) NOT NULL,
  due timestamptz(3) NOT NULL,
  lease_owner varchar(100),
  lease_until bigint,
  PRIMARY KEY (case_id, name)
);
CREATE INDEX gz_timers_due ON gz_timers (due);

-- webhook deliveries (kept after delivery, for inspection); ord is the commit order
CREATE TABLE gz_outbox (
  ord bigserial PRIMARY KEY,
  id varchar(60) NOT NULL UNIQUE,
  case_id varchar(40) NOT NULL,
  webhook varchar(60) NOT NULL,
  type varchar(200) NOT NULL,
  created_at varchar(40) NOT NULL,
  body text NOT NULL,
  status varchar(20) NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  next_at bigint NOT NULL DEFAULT 0,
  lease_owner varchar(100),
  lease_until bigint,
  last_error text,
  settled_at varchar(40)
);
CREATE INDEX gz_outbox_due ON gz_outbox (status, next_at, ord);
CREATE INDEX gz_outbox_pair ON gz_outbox (case_id, webhook, ord);

-- the first answer to each Idempotency-Key, per case
CREATE TABLE gz_idempotency (
  case_id varchar(40) NOT NULL,
  key varchar(300) NOT NULL,
  at timestamptz(3) NOT NULL,
  record text NOT NULL,
  PRIMARY KEY (case_id, key)
);
CREATE INDEX gz_idempotency_at ON gz_idempotency (at);

-- pack sources as last loaded, imported or published from the designer
CREATE TABLE gz_packs (
  id varchar(200) PRIMARY KEY,
  body text NOT NULL
);

-- published procedure versions: immutable; the key gives concurrent publishes distinct numbers
CREATE TABLE gz_versions (
  pack varchar(200) NOT NULL,
  procedure varchar(200) NOT NULL,
  version integer NOT NULL,
  hash varchar(100) NOT NULL,
  published_at varchar(40) NOT NULL,
  source varchar(20) NOT NULL,
  body text NOT NULL,
  PRIMARY KEY (pack, procedure, version)
);
CREATE TRIGGER gz_versions_immutable BEFORE UPDATE OR DELETE ON gz_versions
  FOR EACH ROW EXECUTE PROCEDURE gz_refuse_change();

CREATE TABLE gz_drafts (
  pack varchar(200) NOT NULL,
  procedure varchar(200) NOT NULL,
  body text NOT NULL,
  PRIMARY KEY (pack, procedure)
);

CREATE TABLE gz_tokens (
  id varchar(60) PRIMARY KEY,
  hash varchar(100) NOT NULL UNIQUE,
  body text NOT NULL,
  last_used_at varchar(40)
);

CREATE TABLE gz_webhooks (
  id varchar(60) PRIMARY KEY,
  created_at varchar(40) NOT NULL,
  body text NOT NULL
);

CREATE TABLE gz_settings (
  key varchar(200) PRIMARY KEY,
  value text NOT NULL
);

-- a counter per topic, bumped by every change of it: the polling fallback of LISTEN/NOTIFY
CREATE TABLE gz_changes (
  topic varchar(40) PRIMARY KEY,
  n bigint NOT NULL
);
INSERT INTO gz_changes (topic, n) VALUES ('registry', 0);
INSERT INTO gz_changes (topic, n) VALUES ('clock', 0);
