package com.healthtourism.hub.webhooks;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** What the admin API shows of a source: never a secret, only the fingerprints of the active ones. */
public record SourceView(UUID tenantId, String source, String scheme, List<String> secretFingerprints,
                         boolean enabled, long toleranceSeconds, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    static SourceView of(PartnerSource source) {
        return new SourceView(source.tenantId(), source.source(), source.scheme(), source.fingerprints(),
                source.enabled(), source.tolerance().toSeconds(), source.createdAt(), source.updatedAt());
    }
}
