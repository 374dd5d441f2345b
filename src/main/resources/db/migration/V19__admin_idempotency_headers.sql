-- X-Idempotency-Key replays answer with the first response's headers too (Location of a created resource, its
-- Cache-Control), not only its status, content type and body.
ALTER TABLE admin_idempotency ADD COLUMN response_headers JSONB;
