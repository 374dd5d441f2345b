package com.healthtourism.hub.subscriptions;

import java.util.List;

import jakarta.validation.constraints.NotBlank;

/** The body of PUT /admin/tenants/{tenantId}/subscriptions/{name}. Without a secret, a new one is generated once. */
public record SubscriptionSettings(@NotBlank String url, List<String> events, String secret, Boolean active) {
}
