-- The relay's reads of the outbox no longer grow with its backlog. Before, outbox_tenants_due grouped every due row
-- to find which tenants have work, and each claim sorted a tenant's due rows to take the first ones: with tens of
-- thousands waiting (Kafka away, a burst of webhooks) every claim of 100 rows read them all, just when the relay had
-- most to catch up. Now both walk (tenant_id, id): the tenants by a skip scan, and each tenant's queue from its head
-- up to its first due row (tenants due) or the batch (a claim, see OutboxRelay).
CREATE INDEX idx_outbox_tenant ON outbox (tenant_id, id);
-- Nothing looks rows up by available_at any more. Without that index a claim's lease (available_at, attempts) and a
-- postponement change no indexed column, so with room left on the page they are HOT updates: no index entries.
DROP INDEX idx_outbox_available;
ALTER TABLE outbox SET (fillfactor = 80);

CREATE OR REPLACE FUNCTION outbox_tenants_due(max_tenants INTEGER)
    RETURNS TABLE (tenant_id UUID)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
AS $$
    WITH RECURSIVE tenants (tenant_id) AS (
        (SELECT o.tenant_id FROM outbox o ORDER BY o.tenant_id LIMIT 1)
        UNION ALL
        SELECT (SELECT o.tenant_id FROM outbox o WHERE o.tenant_id > t.tenant_id ORDER BY o.tenant_id LIMIT 1)
        FROM tenants t WHERE t.tenant_id IS NOT NULL
    )
    SELECT t.tenant_id FROM tenants t
    CROSS JOIN LATERAL (SELECT o.id FROM outbox o WHERE o.tenant_id = t.tenant_id AND o.available_at <= now()
                        ORDER BY o.id LIMIT 1) first_due
    ORDER BY first_due.id LIMIT max_tenants
$$;
