#!/bin/sh
# Creates the runtime login with its password before the hub's migrations run (they only create
# roles that are absent and never set passwords).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v pw="$HUB_DB_PASSWORD" <<'SQL'
SELECT 'CREATE ROLE hub_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE'
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hub_app')\gexec
ALTER ROLE hub_app PASSWORD :'pw';
SQL
