package com.healthtourism.hub.webhooks;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * Body of PUT /admin/tenants/{tenantId}/sources/{source}. The scheme defaults to the source's usual
 * one; one secret, or two while a partner rotates (either verifies). Credentials for calling the partner's API
 * (Doktor365) are optional: left out, the stored ones are kept.
 */
public record SourceSettings(
        String scheme,
        @NotEmpty @Size(max = 2) List<@NotEmpty @Size(max = 512) String> secrets,
        Boolean enabled,
        @Positive @Max(86_400) Integer toleranceSeconds,
        @Valid ApiCredentials credentials) {

    @Override
    public String toString() {
        return "SourceSettings[scheme=" + scheme + ", secrets=" + (secrets == null ? 0 : secrets.size())
                + ", enabled=" + enabled + ", toleranceSeconds=" + toleranceSeconds
                + ", credentials=" + (credentials == null ? "kept" : "new") + "]";
    }
}
