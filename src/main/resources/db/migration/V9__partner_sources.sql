-- A tenant's partner sources: which signature scheme a partner's webhooks use and the secrets that
-- verify them. Secrets are one Tink AEAD ciphertext (bound to tenant and source) of a JSON list, so
-- two may be active while a partner rotates; only their fingerprints are ever shown.
CREATE TABLE partner_sources (
    tenant_id           UUID NOT NULL REFERENCES tenants (id),
    source              VARCHAR(64) NOT NULL CHECK (source ~ '^[a-z0-9][a-z0-9_-]*$'),
    scheme              VARCHAR(32) NOT NULL,
    secrets             BYTEA NOT NULL,
    secret_fingerprints TEXT[] NOT NULL,
    enabled             BOOLEAN NOT NULL DEFAULT true,
    tolerance_seconds   INTEGER NOT NULL DEFAULT 300 CHECK (tolerance_seconds > 0),
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, source)
);

ALTER TABLE partner_sources ENABLE ROW LEVEL SECURITY;
ALTER TABLE partner_sources FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON partner_sources FOR ALL TO authenticated_users
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE ON partner_sources TO authenticated_users;
