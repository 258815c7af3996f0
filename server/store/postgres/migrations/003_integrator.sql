-- The integrator's API (issue 12). Columns and indexes only: no applied migration is changed.

-- a start made with an Idempotency-Key: '["<token subject>","<key>"]' (unique: a second start with it answers the first
-- case, on every process) and the first answer, kept for the case's life
ALTER TABLE gz_cases ADD COLUMN start_key varchar(700);
ALTER TABLE gz_cases ADD COLUMN start_record text;
CREATE UNIQUE INDEX gz_cases_start_key ON gz_cases (start_key);

-- GET /api/instances?businessKey= without a pack (the unique index leads with the pack)
CREATE INDEX gz_cases_business_key_any ON gz_cases (business_key);

-- GET /api/stats: the cases of a pack and procedure opened in a window; /metrics: open cases per pack and procedure
CREATE INDEX gz_cases_stats ON gz_cases (pack, procedure, created_at);
CREATE INDEX gz_cases_open ON gz_cases (status, pack, procedure, overdue);

-- deliveries: the X-Request-Id passed on to the receiver, when the last attempt was made, and listing a
-- subscription's deliveries (all of them, or of one status) newest first
ALTER TABLE gz_outbox ADD COLUMN request_id varchar(200);
ALTER TABLE gz_outbox ADD COLUMN last_attempt_at varchar(40);
CREATE INDEX gz_outbox_webhook ON gz_outbox (webhook, ord);
CREATE INDEX gz_outbox_webhook_status ON gz_outbox (webhook, status, ord);
