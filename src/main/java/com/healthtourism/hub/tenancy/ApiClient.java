package com.healthtourism.hub.tenancy;

import java.util.UUID;

/**
 * The caller of the tenant API, as its key says: which key, of which tenant, and whether it may see patient data.
 * Every transaction of the request runs in this tenant.
 */
public record ApiClient(UUID keyId, UUID tenantId, String name, boolean pii) {

    /** How the audit trail names the caller: the key's id, never the key. */
    public String actor() {
        return "api-key:" + keyId;
    }
}
