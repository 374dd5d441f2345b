package com.healthtourism.hub.webhooks;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * What the admin API shows of a source: never a secret, only the fingerprints of the active ones; of API credentials
 * only the client secret's fingerprint and the base URL.
 */
public record SourceView(UUID tenantId, String source, String scheme, List<String> secretFingerprints,
                         boolean enabled, long toleranceSeconds, OffsetDateTime createdAt, OffsetDateTime updatedAt,
                         Credentials credentials) {

    /** The API credentials as shown: which secret (its fingerprint) and where (the tenant's base URL, if set). */
    public record Credentials(String clientSecretFingerprint, String baseUrl) {
    }

    static SourceView of(PartnerSource source) {
        var credentials = source.apiFingerprint() == null ? null
                : new Credentials(source.apiFingerprint(), source.apiBaseUrl());
        return new SourceView(source.tenantId(), source.source(), source.scheme(), source.fingerprints(),
                source.enabled(), source.tolerance().toSeconds(), source.createdAt(), source.updatedAt(), credentials);
    }
}
