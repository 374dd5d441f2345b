-- Partners that receive the hub's events as signed Standard Webhooks: per tenant, a URL, the event types it wants
-- (exact types or family wildcards such as case.*; none = every event) and its signing secret, encrypted with Tink
-- and bound to tenant and subscription.
CREATE TABLE webhook_subscriptions (
    id                 UUID PRIMARY KEY,
    tenant_id          UUID NOT NULL REFERENCES tenants (id),
    name               VARCHAR(64) NOT NULL,
    url                TEXT NOT NULL,
    secret             BYTEA NOT NULL,
    secret_fingerprint VARCHAR(64) NOT NULL,
    event_types        TEXT[] NOT NULL DEFAULT '{}',
    active             BOOLEAN NOT NULL DEFAULT true,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, name)
);

-- Every event a partner accepted, per subscription: the durable twin of the delivery route's idempotent consumer,
-- so a Kafka redelivery or a granted replay never delivers an event twice.
CREATE TABLE outbound_deliveries (
    tenant_id       UUID NOT NULL REFERENCES tenants (id),
    subscription_id UUID NOT NULL REFERENCES webhook_subscriptions (id),
    event_id        VARCHAR(200) NOT NULL,
    delivered_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, subscription_id, event_id)
);

SELECT hub_isolate_tenants('webhook_subscriptions');
SELECT hub_isolate_tenants('outbound_deliveries');

GRANT SELECT, INSERT, UPDATE ON webhook_subscriptions TO authenticated_users;
GRANT SELECT, INSERT, DELETE ON outbound_deliveries TO authenticated_users;
