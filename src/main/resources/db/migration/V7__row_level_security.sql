-- Forced row-level security on every tenant-owned table: even the table owner is filtered.
-- The tenant comes from app.tenant_id, which the hub sets per transaction (set_config(..., true)).
-- With no tenant set, NULLIF(...) is NULL and no row matches.
DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'cases', 'providers', 'quotes', 'bookings', 'audit_logs', 'consent_logs']
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

GRANT SELECT, INSERT, UPDATE, DELETE ON users, cases, providers, quotes, bookings, consent_logs TO authenticated_users;
-- The audit trail is append-only for the runtime role.
GRANT SELECT, INSERT ON audit_logs TO authenticated_users;
-- The tenant registry is not tenant-owned: the admin API lists and edits it. Tenants are deactivated, never deleted.
GRANT SELECT, INSERT, UPDATE ON tenants TO authenticated_users;
