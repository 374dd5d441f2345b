package com.healthtourism.hub.subscriptions;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The error handler's onExceptionOccurred step of partner-webhook-delivery: a partner that answers 429 or 503 with
 * Retry-After (seconds or an HTTP date) is tried again after that long, never longer than
 * {@code hub.partner-webhooks.max-retry-delay}, instead of after the exponential backoff's delay. Camel reads the delay
 * from the CamelRedeliveryDelay header right after this (and never sends Camel's headers to the partner).
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
        var wait = failure == null ? null : retryAfter(failure, Instant.now());
        if (wait == null) {
            exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
            return;
        }
        exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, (wait.compareTo(longest) > 0 ? longest : wait).toMillis());
    }

    /** How long a 429 or 503 asks the hub to wait, or null when the answer says nothing (or something else failed). */
    static Duration retryAfter(HttpOperationFailedException failure, Instant now) {
        if (failure.getStatusCode() != 429 && failure.getStatusCode() != 503 || failure.getResponseHeaders() == null) {
            return null;
        }
        return failure.getResponseHeaders().entrySet().stream()
                .filter(header -> "Retry-After".equalsIgnoreCase(header.getKey()))
                .findFirst().map(header -> parse(header.getValue(), now)).orElse(null);
    }

    /** Retry-After as RFC 9110 gives it: delay-seconds or an HTTP date; anything else counts as absent. */
    static Duration parse(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        var trimmed = value.trim();
        try {
            var seconds = Long.parseLong(trimmed);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                var until = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return until.isAfter(now) ? Duration.between(now, until) : Duration.ZERO;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
