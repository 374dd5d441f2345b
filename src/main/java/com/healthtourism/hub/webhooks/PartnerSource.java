package com.healthtourism.hub.webhooks;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A tenant's partner source: how its webhooks are signed and the secrets (one, or two while the
 * partner rotates) that verify them, and the tenant's own webhook rate limit if it set one. The secrets are plaintext only in memory; toString hides them.
 * If the hub also calls the partner's API, the fingerprint of that client secret and the tenant's base URL (if any).
 */
public record PartnerSource(UUID tenantId, String source, String scheme, List<String> secrets,
                            List<String> fingerprints, boolean enabled, Duration tolerance, Integer ratePerMinute,
                            OffsetDateTime createdAt, OffsetDateTime updatedAt, String apiFingerprint,
                            String apiBaseUrl) {

    @Override
    public String toString() {
        return "PartnerSource[" + tenantId + "/" + source + ", scheme=" + scheme + ", fingerprints=" + fingerprints
                + ", enabled=" + enabled + "]";
    }
}
