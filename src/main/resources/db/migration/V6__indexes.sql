CREATE INDEX idx_users_email_hash ON users (email_hash);
CREATE INDEX idx_cases_tenant_status ON cases (tenant_id, status);
CREATE INDEX idx_cases_created ON cases (created_at DESC);
CREATE INDEX idx_providers_specialty ON providers (tenant_id, specialty);
CREATE INDEX idx_audit_user_timestamp ON audit_logs (user_id, "timestamp" DESC);
CREATE INDEX idx_audit_tenant_timestamp ON audit_logs (tenant_id, "timestamp" DESC);
CREATE INDEX idx_consent_logs_user ON consent_logs (tenant_id, user_id);
CREATE INDEX idx_bookings_created ON bookings (created_at DESC);
