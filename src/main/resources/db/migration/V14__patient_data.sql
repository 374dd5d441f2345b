-- Patient data from partners. A partner's own ids (Doktor365's patient and case ids) map to the hub's rows through
-- external_refs, one row per tenant, source, kind and partner id: a replayed or re-delivered webhook finds the row
-- it created the first time instead of creating another. local_id points into users or cases by kind, so it has no
-- foreign key. content_hmac is a keyed hash of what was last applied (never the values themselves): a delivery that
-- carries the same content changes nothing. source_updated_at is the partner's own change time when it sends one,
-- so an older delivery arriving late does not undo a newer one.
CREATE TABLE external_refs (
    tenant_id         UUID NOT NULL REFERENCES tenants (id),
    source            VARCHAR(64) NOT NULL,
    kind              VARCHAR(32) NOT NULL,
    external_id       VARCHAR(200) NOT NULL,
    local_id          UUID NOT NULL,
    content_hmac      VARCHAR(64),
    source_updated_at TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, source, kind, external_id)
);

CREATE INDEX idx_external_refs_local ON external_refs (tenant_id, local_id);

SELECT hub_isolate_tenants('external_refs');

GRANT SELECT, INSERT, UPDATE ON external_refs TO authenticated_users;

-- A passport number is PII: Tink AEAD ciphertext (base64) bound to tenant, column and row, like name, email, phone.
ALTER TABLE users ADD COLUMN passport_number TEXT;
