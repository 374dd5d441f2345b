package com.healthtourism.hub.subscriptions;

import java.time.OffsetDateTime;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A subscription as the admin API shows it: a fingerprint of the secret, and the secret itself only once, when generated. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubscriptionView(String name, String url, List<String> events, boolean active, String secretFingerprint,
                               OffsetDateTime createdAt, OffsetDateTime updatedAt, String secret) {

    static SubscriptionView of(Subscription subscription, String generatedSecret) {
        return new SubscriptionView(subscription.name(), subscription.url(), subscription.events(), subscription.active(),
                subscription.secretFingerprint(), subscription.createdAt(), subscription.updatedAt(), generatedSecret);
    }
}
