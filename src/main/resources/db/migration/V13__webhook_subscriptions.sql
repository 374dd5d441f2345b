-- Outbound partner webhooks: which partner URLs get which of a tenant's hub events, signed as Standard
-- Webhooks. The secret is one Tink AEAD ciphertext bound to tenant and subscription id; only its
-- fingerprint is ever shown. event_types holds exact types (payment.succeeded) or family wildcards
-- (case.*); an empty list means every event. Subscriptions are deactivated, never deleted.
CREATE TABLE webhook_subscriptions (
    id                 UUID PRIMARY KEY,
    tenant_id          UUID NOT NULL REFERENCES tenants (id),
    name               VARCHAR(64) NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9_-]*$'),
    url                TEXT NOT NULL,
    secret             BYTEA NOT NULL,
    secret_fingerprint VARCHAR(64) NOT NULL,
    event_types        TEXT[] NOT NULL DEFAULT '{}',
    active             BOOLEAN NOT NULL DEFAULT true,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, name),
    UNIQUE (tenant_id, id)
);

-- Which events a subscription's partner has accepted: the durable memory of Camel's idempotent
-- consumer on the delivery route, written only after a 2xx, so a redelivered event is not sent twice.
CREATE TABLE outbound_deliveries (
    tenant_id       UUID NOT NULL REFERENCES tenants (id),
    subscription_id UUID NOT NULL,
    event_id        VARCHAR(200) NOT NULL,
    delivered_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, subscription_id, event_id),
    FOREIGN KEY (tenant_id, subscription_id) REFERENCES webhook_subscriptions (tenant_id, id)
);

SELECT hub_isolate_tenants('webhook_subscriptions');
SELECT hub_isolate_tenants('outbound_deliveries');

GRANT SELECT, INSERT, UPDATE ON webhook_subscriptions TO authenticated_users;
GRANT SELECT, INSERT, DELETE ON outbound_deliveries TO authenticated_users;
