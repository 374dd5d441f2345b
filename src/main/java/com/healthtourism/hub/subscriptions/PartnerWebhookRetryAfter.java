package com.healthtourism.hub.subscriptions;

import java.time.Duration;
import java.time.Instant;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.partners.RetryAfter;

/**
 * After each failed attempt of partner-webhook-delivery ({@link PartnerWebhookAttemptFailed}): a partner that answers 429 or 503 with
 * Retry-After (seconds or an HTTP date) is tried again after that long, never longer than
 * {@code hub.partner-webhooks.max-retry-delay}, instead of after the exponential backoff's delay.
 */
@Component("partnerWebhookRetryAfter")
public class PartnerWebhookRetryAfter implements Processor {

    private final Duration longest;

    public PartnerWebhookRetryAfter(@Value("${hub.partner-webhooks.max-retry-delay}") long maxRetryDelayMillis) {
        this.longest = Duration.ofMillis(maxRetryDelayMillis);
    }

    @Override
    public void process(Exchange exchange) {
        var failure = exchange.getException(HttpOperationFailedException.class);
        if (failure == null) {
            failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, HttpOperationFailedException.class);
        }
        RetryAfter.nextRedelivery(exchange, failure == null ? null : retryAfter(failure, Instant.now()), longest);
    }

    /** How long a 429 or 503 asks the hub to wait, or null when the answer says nothing (or something else failed). */
    static Duration retryAfter(HttpOperationFailedException failure, Instant now) {
        if (failure.getStatusCode() != 429 && failure.getStatusCode() != 503 || failure.getResponseHeaders() == null) {
            return null;
        }
        return failure.getResponseHeaders().entrySet().stream()
                .filter(header -> "Retry-After".equalsIgnoreCase(header.getKey()))
                .findFirst().map(header -> RetryAfter.parse(header.getValue(), now)).orElse(null);
    }
}
