package com.healthtourism.hub.subscriptions;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * The onExceptionOccurred step of partner-webhook-delivery, run after every failed attempt: the subscription's
 * circuit breaker learns of it ({@link PartnerBreakers#failed}), and a partner's Retry-After sets the wait before
 * the next attempt ({@link PartnerWebhookRetryAfter}).
 */
@Component("partnerWebhookAttemptFailed")
public class PartnerWebhookAttemptFailed implements Processor {

    private final PartnerBreakers breakers;
    private final PartnerWebhookRetryAfter retryAfter;

    public PartnerWebhookAttemptFailed(PartnerBreakers breakers, PartnerWebhookRetryAfter retryAfter) {
        this.breakers = breakers;
        this.retryAfter = retryAfter;
    }

    @Override
    public void process(Exchange exchange) {
        breakers.failed(exchange);
        retryAfter.process(exchange);
    }
}
