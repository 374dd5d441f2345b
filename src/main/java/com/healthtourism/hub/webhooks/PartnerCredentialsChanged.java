package com.healthtourism.hub.webhooks;

import java.util.UUID;

/**
 * Published after an admin's change to a source's API credentials committed: whatever was obtained with the old
 * ones (a partner's access token) belongs to them, not to the new ones.
 */
public record PartnerCredentialsChanged(UUID tenantId, String source) {
}
