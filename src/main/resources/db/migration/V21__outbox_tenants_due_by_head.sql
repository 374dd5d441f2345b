-- A tenant has work due when the head of its queue (its first row by id) is due. The relay claims a tenant's rows
-- only up to its first row that is not due, so a tenant whose head is held back (a failed publish waiting out its
-- backoff, or leased by a relay still at work) has nothing to claim, however many rows behind its head are due.
-- Listed by their first due row instead, such tenants could take every place of the list (max_tenants) while a
-- partial Kafka outage held them back, and tenants with work to publish never got one.
CREATE OR REPLACE FUNCTION outbox_tenants_due(max_tenants INTEGER)
    RETURNS TABLE (tenant_id UUID)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    WITH RECURSIVE tenants (tenant_id) AS (
        (SELECT o.tenant_id FROM outbox o ORDER BY o.tenant_id LIMIT 1)
        UNION ALL
        SELECT (SELECT o.tenant_id FROM outbox o WHERE o.tenant_id > t.tenant_id ORDER BY o.tenant_id LIMIT 1)
        FROM tenants t WHERE t.tenant_id IS NOT NULL
    )
    SELECT t.tenant_id FROM tenants t
    CROSS JOIN LATERAL (SELECT o.id, o.available_at FROM outbox o WHERE o.tenant_id = t.tenant_id
                        ORDER BY o.id LIMIT 1) head
    WHERE head.available_at <= now()
    ORDER BY head.id LIMIT max_tenants
$$;
