package com.healthtourism.hub.subscriptions;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The circuit breaker each partner subscription has ({@code hub.partner-webhooks.breaker.*}): it opens when at least
 * {@code failureRate} percent of the last {@code window} attempts (once there were {@code minimumCalls}) found the
 * partner unavailable, stays open for {@code openFor}, then lets one attempt through to find out; an attempt that
 * never reported back frees that slot after {@code halfOpenMaxWait}.
 */
@ConfigurationProperties("hub.partner-webhooks.breaker")
public record PartnerBreakerProperties(int window, int minimumCalls, float failureRate, Duration openFor,
                                       Duration halfOpenMaxWait) {
}
