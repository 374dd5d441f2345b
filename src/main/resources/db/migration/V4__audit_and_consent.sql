-- audit_logs is partitioned by month on "timestamp". A partition's primary key must contain the
-- partition key, hence (id, "timestamp"). actor names the operator or service when no users row exists.
CREATE TABLE audit_logs (
    id          UUID NOT NULL DEFAULT gen_random_uuid(),
    tenant_id   UUID NOT NULL REFERENCES tenants (id),
    user_id     UUID,
    actor       VARCHAR(255),
    action      VARCHAR(100) NOT NULL,
    resource    VARCHAR(100) NOT NULL,
    resource_id UUID,
    ip_address  INET,
    user_agent  TEXT,
    "timestamp" TIMESTAMPTZ NOT NULL DEFAULT now(),
    result      audit_result NOT NULL,
    metadata    JSONB NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (id, "timestamp"),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
) PARTITION BY RANGE ("timestamp");

CREATE TABLE audit_logs_default PARTITION OF audit_logs DEFAULT;

CREATE TABLE consent_logs (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   UUID NOT NULL REFERENCES tenants (id),
    user_id     UUID NOT NULL,
    type        VARCHAR(50) NOT NULL,
    version     VARCHAR(10) NOT NULL,
    granted_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at  TIMESTAMPTZ,
    ip_address  INET,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
