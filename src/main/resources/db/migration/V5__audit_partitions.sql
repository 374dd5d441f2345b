-- Creates the monthly partition of audit_logs that contains the given day, if absent.
-- SECURITY DEFINER so the runtime role, which owns nothing, can keep partitions ahead of time;
-- the partitions get no grants, so they are reachable only through audit_logs and its policy.
CREATE FUNCTION ensure_audit_logs_partition(day DATE) RETURNS TEXT
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = public, pg_temp
AS $$
DECLARE
    month_start DATE := date_trunc('month', day)::date;
    month_end   DATE := (date_trunc('month', day) + interval '1 month')::date;
    part_name   TEXT := format('audit_logs_%s', to_char(month_start, 'YYYY_MM'));
BEGIN
    IF to_regclass(part_name) IS NULL THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF audit_logs FOR VALUES FROM (%L) TO (%L)',
                       part_name, month_start, month_end);
    END IF;
    RETURN part_name;
END
$$;

REVOKE ALL ON FUNCTION ensure_audit_logs_partition(DATE) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ensure_audit_logs_partition(DATE) TO authenticated_users;

SELECT ensure_audit_logs_partition(current_date);
SELECT ensure_audit_logs_partition((current_date + interval '1 month')::date);
