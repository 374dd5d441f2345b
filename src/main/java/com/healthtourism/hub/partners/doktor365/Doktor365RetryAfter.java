package com.healthtourism.hub.partners.doktor365;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * The error handler's onExceptionOccurred step of the Doktor365 routes: when Doktor365 said when to come back
 * (Retry-After on a 429 or 503), the next redelivery waits that long (capped by hub.doktor365.max-retry-after) instead
 * of the exponential backoff's delay. Camel reads the delay from the CamelRedeliveryDelay header right after this.
 */
@Component("doktor365RetryAfter")
public class Doktor365RetryAfter implements Processor {

    private final Doktor365Properties properties;

    public Doktor365RetryAfter(Doktor365Properties properties) {
        this.properties = properties;
    }

    @Override
    public void process(Exchange exchange) {
        var unavailable = exchange.getException(Doktor365Unavailable.class);
        if (unavailable == null) {
            unavailable = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Doktor365Unavailable.class);
        }
        if (unavailable == null || unavailable.retryAfter().isEmpty()) {
            exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
            return;
        }
        var wait = unavailable.retryAfter().get();
        if (wait.compareTo(properties.maxRetryAfter()) > 0) {
            wait = properties.maxRetryAfter();
        }
        exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, wait.toMillis());
    }
}
