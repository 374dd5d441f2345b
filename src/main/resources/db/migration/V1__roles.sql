-- Roles are cluster-wide: create them only if absent. Passwords are set outside migrations.
-- authenticated_users: the group every tenant-scoped policy applies to.
-- hub_app: the runtime login; member of authenticated_users, owns no table, no superuser, no BYPASSRLS.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated_users') THEN
        CREATE ROLE authenticated_users NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hub_app') THEN
        CREATE ROLE hub_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE INHERIT;
    END IF;
END
$$;

GRANT authenticated_users TO hub_app;
GRANT USAGE ON SCHEMA public TO authenticated_users;
