-- Every webhook the hub accepted, stored before it answers: the raw body byte-exact as Tink AEAD
-- ciphertext bound to tenant and message, headers without credentials, and the partner's identity.
-- The UNIQUE (tenant_id, source, dedupe_key) is the durable de-duplication: it outlives Redis's
-- one-hour idem:{hash} keys for as long as the message is kept (at least the 7 days partners retry).
CREATE TYPE inbound_message_status AS ENUM ('accepted', 'published', 'unmapped', 'failed');

CREATE TABLE inbound_messages (
    id               UUID PRIMARY KEY,
    tenant_id        UUID NOT NULL REFERENCES tenants (id),
    source           VARCHAR(64) NOT NULL,
    event_type       VARCHAR(200),
    partner_event_id VARCHAR(500),
    dedupe_key       VARCHAR(64) NOT NULL,
    headers          JSONB NOT NULL DEFAULT '{}'::jsonb,
    body             BYTEA NOT NULL,
    status           inbound_message_status NOT NULL DEFAULT 'accepted',
    attempts         INTEGER NOT NULL DEFAULT 0,
    error            TEXT,
    received_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    published_at     TIMESTAMPTZ,
    UNIQUE (tenant_id, source, dedupe_key),
    UNIQUE (tenant_id, id)
);

-- Keyset pagination for the ops search: newest first within a tenant.
CREATE INDEX idx_inbound_messages_tenant_received ON inbound_messages (tenant_id, received_at DESC, id DESC);
CREATE INDEX idx_inbound_messages_tenant_status ON inbound_messages (tenant_id, status, received_at DESC);

-- The transactional outbox: one row per message still to be published, written in the same
-- transaction as the message. The relay deletes a row once its event is on Kafka (or the message
-- is marked unmapped or failed). available_at holds a row back after a failed attempt.
CREATE TABLE outbox (
    id           BIGSERIAL PRIMARY KEY,
    tenant_id    UUID NOT NULL REFERENCES tenants (id),
    message_id   UUID NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    available_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    FOREIGN KEY (tenant_id, message_id) REFERENCES inbound_messages (tenant_id, id)
);

CREATE INDEX idx_outbox_available ON outbox (available_at, id);

DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['inbound_messages', 'outbox']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY tenant_isolation ON %I FOR ALL TO authenticated_users '
            'USING (tenant_id = NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid) '
            'WITH CHECK (tenant_id = NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid)', t);
    END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE ON inbound_messages TO authenticated_users;
GRANT SELECT, INSERT, UPDATE, DELETE ON outbox TO authenticated_users;
GRANT USAGE ON SEQUENCE outbox_id_seq TO authenticated_users;

-- The relay works across tenants but must not see their rows without a tenant: this function hands
-- it only which tenants have work due, so it can then claim rows inside each tenant's transaction.
CREATE FUNCTION outbox_tenants_due(max_tenants INTEGER)
    RETURNS TABLE (tenant_id UUID)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
AS $$
    SELECT o.tenant_id FROM outbox o WHERE o.available_at <= now()
    GROUP BY o.tenant_id ORDER BY min(o.id) LIMIT max_tenants
$$;

REVOKE ALL ON FUNCTION outbox_tenants_due(INTEGER) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION outbox_tenants_due(INTEGER) TO authenticated_users;
