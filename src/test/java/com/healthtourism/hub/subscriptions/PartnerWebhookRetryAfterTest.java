package com.healthtourism.hub.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** How a partner's 429 or 503 sets the wait before the next attempt of an outbound webhook. */
class PartnerWebhookRetryAfterTest {

    private final PartnerWebhookRetryAfter step = new PartnerWebhookRetryAfter(60_000);

    @Test
    void a429Or503WithRetryAfterSetsTheNextDelayCappedByTheLongestRetryDelay() {
        assertThat(delayAfter(failure(429, Map.of("retry-after", "5")))).isEqualTo(5_000L);
        assertThat(delayAfter(failure(503, Map.of("Retry-After", "7")))).isEqualTo(7_000L);
        assertThat(delayAfter(failure(429, Map.of("Retry-After", "3600")))).isEqualTo(60_000L);
    }

    @Test
    void otherFailuresKeepTheBackoff() {
        assertThat(delayAfter(failure(500, Map.of("Retry-After", "5")))).isNull();
        assertThat(delayAfter(failure(429, Map.of()))).isNull();
        var exchange = exchangeWithEarlierDelay();
        exchange.setException(new IllegalStateException("timeout"));
        step.process(exchange);
        assertThat(exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY)).as("an earlier attempt's wait is not kept")
                .isNull();
    }

    private Long delayAfter(HttpOperationFailedException failure) {
        var exchange = exchangeWithEarlierDelay();
        exchange.setException(failure);
        step.process(exchange);
        return exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY, Long.class);
    }

    private static DefaultExchange exchangeWithEarlierDelay() {
        var exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, 1234L);
        return exchange;
    }

    private static HttpOperationFailedException failure(int status, Map<String, String> headers) {
        return new HttpOperationFailedException("https://partner.example.com/hooks", status, "status " + status, null,
                headers, "");
    }
}
