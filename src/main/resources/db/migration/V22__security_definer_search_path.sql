-- The functions that run as the schema owner name their search path with pg_temp last (outbox_tenants_due does since
-- V21). Without pg_temp in it, PostgreSQL looks in the caller's temporary schema first, and every role may create
-- temporary objects: the runtime role could have put a temporary view named like a table these functions read
-- (tenants, tenant_api_keys, cases) in front of it, and have its own code run as the owner.
ALTER FUNCTION tenant_api_key(CHAR) SET search_path = public, pg_temp;
ALTER FUNCTION case_counts_by_tenant() SET search_path = public, pg_temp;
