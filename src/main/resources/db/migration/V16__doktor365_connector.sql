-- Doktor365 connector. A partner source may carry the API credentials the hub calls the partner with (OAuth2 client
-- credentials and an optional base URL overriding hub.doktor365.base-url): one Tink AEAD ciphertext of a JSON object,
-- bound to tenant and source; only the fingerprint of the client secret is ever shown.
ALTER TABLE partner_sources
    ADD COLUMN api_credentials             BYTEA,
    ADD COLUMN api_credentials_fingerprint TEXT,
    ADD COLUMN api_base_url                TEXT;

-- Where a tenant's reconciliation with Doktor365 got to: cases updated after updated_since are still to be applied
-- (cursor: the page to resume from, if a run stopped inside one).
CREATE TABLE doktor365_checkpoints (
    tenant_id     UUID PRIMARY KEY REFERENCES tenants (id),
    updated_since TIMESTAMPTZ NOT NULL,
    cursor        TEXT,
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
SELECT hub_isolate_tenants('doktor365_checkpoints');
GRANT SELECT, INSERT, UPDATE ON doktor365_checkpoints TO authenticated_users;
