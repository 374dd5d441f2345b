-- The dead-letter approval queue: a message that failed for good in any route waits here for a person.
-- The original body is kept byte-exact as Tink AEAD ciphertext bound to tenant and item; headers are kept
-- without credentials. UNIQUE (tenant_id, route_id, origin_key) makes a message that fails again (a replay
-- that fails, a redelivery) the same item with a higher attempt count, never a second one.
CREATE TYPE approval_status AS ENUM ('pending', 'granted', 'denied', 'replayed', 'replay_failed');

CREATE TABLE approval_items (
    id              UUID PRIMARY KEY,
    tenant_id       UUID NOT NULL REFERENCES tenants (id),
    route_id        VARCHAR(200) NOT NULL,
    entry_uri       VARCHAR(500) NOT NULL,
    endpoint        VARCHAR(1000),
    origin_key      VARCHAR(500) NOT NULL,
    body            BYTEA NOT NULL,
    headers         JSONB NOT NULL DEFAULT '{}'::jsonb,
    error_type      VARCHAR(300) NOT NULL,
    error_message   TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 1,
    first_failed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_failed_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    status          approval_status NOT NULL DEFAULT 'pending',
    decided_by      VARCHAR(255),
    decided_at      TIMESTAMPTZ,
    reason          TEXT,
    UNIQUE (tenant_id, route_id, origin_key)
);

-- The console's list (newest failure first, keyset pagination) and its counts per route and tenant.
CREATE INDEX idx_approval_items_status_failed ON approval_items (status, last_failed_at DESC, id DESC);
CREATE INDEX idx_approval_items_tenant_status ON approval_items (tenant_id, status);

-- From here on a tenant-owned table gets its forced row-level security from one definition (V7 and V10 spell it
-- out, as they landed before it existed).
CREATE FUNCTION hub_isolate_tenants(tenant_table regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tenant_table);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tenant_table);
    EXECUTE format(
        'CREATE POLICY tenant_isolation ON %s FOR ALL TO authenticated_users '
        'USING (tenant_id = NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid) '
        'WITH CHECK (tenant_id = NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid)', tenant_table);
END
$$;
REVOKE ALL ON FUNCTION hub_isolate_tenants(regclass) FROM PUBLIC;

SELECT hub_isolate_tenants('approval_items');
-- Operators work the queue across tenants: reading only, and only in a transaction the hub opens for the ops
-- console (app.ops_scope). Every decision still runs in the item's own tenant transaction.
CREATE POLICY ops_read ON approval_items FOR SELECT TO authenticated_users
    USING (current_setting('app.ops_scope', true) = 'on');

GRANT SELECT, INSERT, UPDATE ON approval_items TO authenticated_users;

-- The outbox also carries events the hub itself raises (approval.*, later case.*): the CloudEvent is complete
-- when it is written, so such a row has no inbound message and no mapping step.
ALTER TABLE outbox ALTER COLUMN message_id DROP NOT NULL;
ALTER TABLE outbox
    ADD COLUMN event_topic VARCHAR(100),
    ADD COLUMN event_key   VARCHAR(300),
    ADD COLUMN event_id    VARCHAR(100),
    ADD COLUMN event_type  VARCHAR(100),
    ADD COLUMN event_json  TEXT,
    ADD CONSTRAINT outbox_message_or_event CHECK (
        (message_id IS NOT NULL AND event_json IS NULL)
        OR (message_id IS NULL AND event_json IS NOT NULL AND event_topic IS NOT NULL
            AND event_key IS NOT NULL AND event_id IS NOT NULL AND event_type IS NOT NULL));
