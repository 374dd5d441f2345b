package com.healthtourism.hub.partners;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import org.apache.camel.Exchange;

/**
 * A partner's Retry-After, and how it sets the wait before a route's next redelivery: the error handlers'
 * onExceptionOccurred steps of the partner connectors (Doktor365, outbound partner webhooks) call {@link #nextRedelivery},
 * and Camel reads the delay from the CamelRedeliveryDelay header right after (and never sends Camel's headers on).
 */
public final class RetryAfter {

    private RetryAfter() {
    }

    /** Retry-After as RFC 9110 gives it: delay-seconds or an HTTP date; null for anything else. */
    public static Duration parse(String value, Instant now) {
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

    /**
     * The next redelivery waits {@code wait}, never longer than {@code longest}; with no wait (null) it takes the
     * backoff's delay, not an earlier attempt's wait.
     */
    public static void nextRedelivery(Exchange exchange, Duration wait, Duration longest) {
        if (wait == null) {
            exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
        } else {
            exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, (wait.compareTo(longest) > 0 ? longest : wait).toMillis());
        }
    }
}
