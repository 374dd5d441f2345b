-- X-Idempotency-Key for admin writes: the first request's fingerprint and response, per operator.
-- A row with no status is a request still running. Rows older than a day are swept.
CREATE TABLE admin_idempotency (
    principal     VARCHAR(255) NOT NULL,
    key_hash      VARCHAR(64) NOT NULL,
    request_hash  VARCHAR(64) NOT NULL,
    status        INTEGER,
    content_type  VARCHAR(255),
    response_body BYTEA,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (principal, key_hash)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON admin_idempotency TO authenticated_users;
