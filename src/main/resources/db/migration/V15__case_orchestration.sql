-- Case orchestration: an optimistic version on cases (the truth when a Redis case lock has expired), the provider a
-- case is assigned to, the index of the tenant API's keyset pages, and the tenant API keys.
ALTER TABLE cases
    ADD COLUMN version     BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN provider_id UUID,
    ADD FOREIGN KEY (tenant_id, provider_id) REFERENCES providers (tenant_id, id);

-- GET /api/cases: newest first, keyset on (created_at, id), filtered by status or priority.
CREATE INDEX idx_cases_tenant_created ON cases (tenant_id, created_at DESC, id DESC);

-- Keys of the platform's own services for /api/**. Only the SHA-256 of a key is stored (a key is 32 random bytes,
-- so a plain hash is enough); the key itself is shown once, when it is issued. Revoked keys stay for the audit trail.
CREATE TABLE tenant_api_keys (
    id          UUID PRIMARY KEY,
    tenant_id   UUID NOT NULL REFERENCES tenants (id),
    name        VARCHAR(100) NOT NULL,
    key_hash    CHAR(64) NOT NULL UNIQUE,
    pii         BOOLEAN NOT NULL DEFAULT false,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX idx_tenant_api_keys_tenant ON tenant_api_keys (tenant_id, created_at);

SELECT hub_isolate_tenants('tenant_api_keys');
GRANT SELECT, INSERT, UPDATE ON tenant_api_keys TO authenticated_users;

-- A request's key is looked up before its tenant is known. Like outbox_tenants_due, this function answers one
-- narrow question across tenants (whose live key has this hash?) so no cross-tenant policy is needed.
CREATE FUNCTION tenant_api_key(hash CHAR(64))
    RETURNS TABLE (id UUID, tenant_id UUID, name VARCHAR(100), pii BOOLEAN)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
AS $$
    SELECT k.id, k.tenant_id, k.name, k.pii FROM tenant_api_keys k
    JOIN tenants t ON t.id = k.tenant_id
    WHERE k.key_hash = hash AND k.revoked_at IS NULL AND t.active
$$;
REVOKE ALL ON FUNCTION tenant_api_key(CHAR) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenant_api_key(CHAR) TO authenticated_users;

-- The cases-by-status gauge counts every tenant's cases: counts only, never a row.
CREATE FUNCTION case_counts_by_tenant()
    RETURNS TABLE (tenant_id UUID, status case_status, cases BIGINT)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
AS $$
    SELECT c.tenant_id, c.status, count(*) FROM cases c GROUP BY c.tenant_id, c.status
$$;
REVOKE ALL ON FUNCTION case_counts_by_tenant() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION case_counts_by_tenant() TO authenticated_users;
