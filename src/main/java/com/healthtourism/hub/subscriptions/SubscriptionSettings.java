package com.healthtourism.hub.subscriptions;

import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * Body of PUT /admin/tenants/{tenantId}/subscriptions/{name}. Without a secret a new subscription gets a
 * generated one and an existing one keeps its own; without events it gets every event.
 */
public record SubscriptionSettings(
        @NotBlank @Size(max = 2048) String url,
        @Size(max = 100) List<String> events,
        @Size(max = 512) String secret,
        Boolean active) {

    @Override
    public String toString() {
        return "SubscriptionSettings[url=" + url + ", events=" + events + ", secret=" + (secret == null ? "none" : "given")
                + ", active=" + active + "]";
    }
}
