package com.healthtourism.hub.subscriptions;

import java.time.OffsetDateTime;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the admin API shows of a subscription: never its secret, except the one the hub generated, in the
 * answer that created it and nowhere else.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubscriptionView(String name, String url, List<String> events, boolean active, String secretFingerprint,
                               OffsetDateTime createdAt, OffsetDateTime updatedAt, String secret) {

    static SubscriptionView of(Subscription subscription) {
        return withGeneratedSecret(subscription, null);
    }

    static SubscriptionView withGeneratedSecret(Subscription subscription, String generatedSecret) {
        return new SubscriptionView(subscription.name(), subscription.url(), subscription.events(),
                subscription.active(), subscription.secretFingerprint(), subscription.createdAt(),
                subscription.updatedAt(), generatedSecret);
    }

    @Override
    public String toString() {
        return "SubscriptionView[name=" + name + ", active=" + active + ", secretFingerprint=" + secretFingerprint + "]";
    }
}
